// TEMPORARY placeholder (to be replaced by the curated banks).
export interface WordEntry {
  word: string;
  clues: readonly string[];
}
export type Category = "animals" | "places" | "colors";
export const CATEGORIES: readonly Category[] = ["animals", "places", "colors"];
export const WORDS: Readonly<Record<Category, readonly WordEntry[]>> = {
  animals: [
    {
      word: "animaa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animba",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animca",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animda",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animea",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animfa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animga",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animha",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animia",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animja",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animka",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animla",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animma",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animna",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animoa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animpa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animqa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animra",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animsa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animta",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animua",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animva",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animwa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animxa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animya",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animza",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animab",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animbb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animcb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animdb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animeb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animfb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animgb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animhb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animib",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animjb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animkb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animlb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animmb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animnb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animob",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animpb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animqb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animrb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animsb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animtb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animub",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animvb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animwb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "animxb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
  ],
  places: [
    {
      word: "placaa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placba",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placca",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placda",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placea",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placfa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placga",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placha",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placia",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placja",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placka",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placla",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placma",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placna",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placoa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placpa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placqa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placra",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placsa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placta",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placua",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placva",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placwa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placxa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placya",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placza",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placab",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placbb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placcb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placdb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placeb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placfb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placgb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "plachb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placib",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placjb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "plackb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placlb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placmb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placnb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placob",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placpb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placqb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placrb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placsb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "plactb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placub",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placvb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placwb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "placxb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
  ],
  colors: [
    {
      word: "colraa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrba",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrca",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrda",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrea",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrfa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrga",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrha",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colria",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrja",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrka",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrla",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrma",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrna",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colroa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrpa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrqa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrra",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrsa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrta",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrua",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrva",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrwa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrxa",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrya",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrza",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrab",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrbb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrcb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrdb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colreb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrfb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrgb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrhb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrib",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrjb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrkb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrlb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrmb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrnb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrob",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrpb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrqb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrrb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrsb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrtb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrub",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrvb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrwb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
    {
      word: "colrxb",
      clues: ["first hint", "second hint", "third hint", "fourth hint"],
    },
  ],
};
export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}
