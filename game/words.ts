/**
 * The word banks: hand-curated words, each with clues written for it, from
 * vague to telling. No clue contains its word (a test checks), and no clue
 * gives the length or first letter — the round reports the length itself.
 *
 * @module
 */

/** A word to guess and the clues written for it, vaguest first. */
export interface WordEntry {
  word: string;
  clues: readonly string[];
}

/** A category of words. */
export type Category = "animals" | "places" | "colors";

/** Every category, in the order they are offered. */
export const CATEGORIES: readonly Category[] = ["animals", "places", "colors"];

/** Whether `value` names a category. */
export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

type Raw = readonly [word: string, ...clues: string[]];

const ANIMALS: readonly Raw[] = [
  [
    "giraffe",
    "It lives on the African savanna.",
    "Its tongue can be dark blue and very long.",
    "The tallest animal alive, with a very long neck.",
  ],
  [
    "elephant",
    "It can live for seventy years and never forgets, people say.",
    "It flaps huge ears to cool down.",
    "The largest land animal, with a trunk and tusks.",
  ],
  [
    "penguin",
    "It lives where it is cold, mostly in the south.",
    "It has wings but swims instead of flying.",
    "A black-and-white bird that waddles on Antarctic ice.",
  ],
  [
    "kangaroo",
    "It comes from Australia.",
    "The mother carries her baby, a joey, in a pouch.",
    "It hops on strong hind legs and boxes with its arms.",
  ],
  [
    "dolphin",
    "It is a mammal that never leaves the water.",
    "It finds food by echolocation and clicks to talk.",
    "A smart, playful sea animal with a curved fin and a 'smile'.",
  ],
  [
    "octopus",
    "It lives in the sea and has no bones.",
    "It has three hearts and blue blood.",
    "It has eight arms and squirts ink.",
  ],
  [
    "tiger",
    "It is the largest of the big cats.",
    "It likes water and swims well, unlike most cats.",
    "An orange cat with black stripes from Asia.",
  ],
  [
    "lion",
    "It lives in groups called prides.",
    "The males have a thick mane.",
    "The 'king of the jungle', famous for its roar.",
  ],
  [
    "zebra",
    "It grazes on African grasslands.",
    "No two of them have the same pattern.",
    "A wild horse with black and white stripes.",
  ],
  [
    "cheetah",
    "It hunts by day on the savanna.",
    "It has black 'tear lines' running down its face.",
    "The fastest land animal, a spotted cat.",
  ],
  [
    "rabbit",
    "It has long ears and a twitchy nose.",
    "Its babies are called kits, and it lives in a warren.",
    "A fluffy hopper that loves carrots, with a cotton tail.",
  ],
  [
    "squirrel",
    "It lives in trees in parks and forests.",
    "It buries nuts for winter and forgets many.",
    "A small rodent with a big bushy tail.",
  ],
  [
    "owl",
    "It hunts at night without a sound.",
    "It can turn its head almost all the way round.",
    "A wise-looking bird that hoots.",
  ],
  [
    "eagle",
    "A bird of prey with very sharp eyesight.",
    "A bald one is the national bird of the United States.",
    "A large raptor that soars high and builds huge nests called eyries.",
  ],
  [
    "parrot",
    "A colourful bird of tropical forests.",
    "It cracks seeds with a strong curved beak.",
    "A bird that can learn to copy human words.",
  ],
  [
    "flamingo",
    "It often stands on one leg.",
    "Its colour comes from the shrimp and algae it eats.",
    "A tall pink wading bird.",
  ],
  [
    "crocodile",
    "It has lived on Earth since the age of dinosaurs.",
    "It lies still in rivers with only its eyes showing.",
    "A huge reptile with powerful jaws, cousin of the alligator.",
  ],
  [
    "turtle",
    "It can live for more than a hundred years.",
    "Sea-going ones return to the beach where they hatched.",
    "A reptile that carries its shell on its back.",
  ],
  [
    "snake",
    "It smells with its tongue.",
    "It sheds its whole skin as it grows.",
    "A legless reptile that slithers and may hiss.",
  ],
  [
    "frog",
    "It starts life as a tadpole.",
    "It catches flies with a sticky tongue.",
    "A green amphibian that croaks and leaps.",
  ],
  [
    "shark",
    "A fish that has roamed the oceans for 400 million years.",
    "It keeps growing new rows of teeth all its life.",
    "A feared sea hunter with a fin that cuts the surface.",
  ],
  [
    "whale",
    "It breathes air through a blowhole.",
    "The blue one is the largest animal that ever lived.",
    "A giant ocean mammal that sings.",
  ],
  [
    "horse",
    "People have ridden it for thousands of years.",
    "Its height is measured in hands.",
    "It gallops, neighs and wears shoes of iron.",
  ],
  [
    "donkey",
    "It is famous for being stubborn.",
    "It is a cousin of the horse, with longer ears.",
    "It says 'hee-haw'.",
  ],
  [
    "camel",
    "It can go a long time without water.",
    "Its feet are wide so they do not sink in sand.",
    "A desert animal with one or two humps.",
  ],
  [
    "panda",
    "It lives in the bamboo forests of China.",
    "It spends most of the day eating.",
    "A black-and-white bear.",
  ],
  [
    "koala",
    "It sleeps up to twenty hours a day.",
    "It eats almost nothing but eucalyptus leaves.",
    "A grey Australian tree-dweller often wrongly called a bear.",
  ],
  [
    "gorilla",
    "It lives in the forests of central Africa.",
    "The leader of a group is called a silverback.",
    "The largest ape, which beats its chest.",
  ],
  [
    "monkey",
    "It lives in troops in tropical forests.",
    "Many kinds have a tail that can grip branches.",
    "A playful primate that loves bananas, in stories at least.",
  ],
  [
    "wolf",
    "It lives and hunts in a pack.",
    "It is the wild ancestor of the pet dog.",
    "It howls at the moon.",
  ],
  [
    "fox",
    "It is clever and sly in folk tales.",
    "The red kind has a white tip on its bushy tail.",
    "A wild member of the dog family with pointed ears.",
  ],
  [
    "bear",
    "It spends the winter asleep in a den.",
    "It catches salmon in rivers and loves honey.",
    "A big furry animal: grizzly, brown or polar.",
  ],
  [
    "deer",
    "It lives in forests and meadows.",
    "The males grow antlers and shed them every year.",
    "Bambi is one.",
  ],
  [
    "moose",
    "It is the largest member of its family.",
    "It lives in the cold forests of Canada and Scandinavia.",
    "A huge animal with wide, flat antlers, called an elk in Europe.",
  ],
  [
    "hedgehog",
    "It comes out at night to eat slugs and beetles.",
    "It rolls into a ball when frightened.",
    "A small animal covered in spines.",
  ],
  [
    "beaver",
    "It has orange front teeth that never stop growing.",
    "It slaps its flat tail on the water as a warning.",
    "It builds dams across streams.",
  ],
  [
    "otter",
    "It is very playful in the water.",
    "Sea-going ones hold hands while they sleep.",
    "It floats on its back and cracks shells on its belly.",
  ],
  [
    "seal",
    "It lives along cold coasts.",
    "It is clumsy on land but graceful when it swims.",
    "A sea mammal with flippers and whiskers that barks and claps.",
  ],
  [
    "walrus",
    "It lives on Arctic ice.",
    "It uses its tusks to haul itself out of the water.",
    "A huge whiskered sea mammal with two long tusks.",
  ],
  [
    "hippo",
    "Its name means 'river horse'.",
    "It spends the hot day in water and grazes at night.",
    "A huge African animal with an enormous mouth.",
  ],
  [
    "rhino",
    "It has very thick grey skin.",
    "It is hunted for its horn, which is made of keratin.",
    "A huge grazer with one or two horns on its nose.",
  ],
  [
    "leopard",
    "It hauls its prey up into trees.",
    "Its spots are called rosettes.",
    "A spotted big cat of Africa and Asia.",
  ],
  [
    "jaguar",
    "The largest cat of the Americas.",
    "Unlike most cats, it likes to swim.",
    "A spotted big cat of the Amazon rainforest.",
  ],
  [
    "peacock",
    "A bird first kept in India.",
    "The male shows off to attract a mate.",
    "It fans out a huge tail covered in 'eyes'.",
  ],
  [
    "swan",
    "It mates for life, people say.",
    "Its babies are called cygnets.",
    "A graceful white water bird with a long curved neck.",
  ],
  [
    "butterfly",
    "It begins life as a caterpillar.",
    "It tastes with its feet.",
    "A flying insect with big colourful wings.",
  ],
  [
    "spider",
    "It is not an insect, though many think so.",
    "It has eight legs.",
    "It spins a web to catch flies.",
  ],
  [
    "bee",
    "It lives in a colony ruled by a queen.",
    "It dances to tell the others where flowers are.",
    "A buzzing insect that makes honey.",
  ],
  [
    "ant",
    "It can carry many times its own weight.",
    "It lives in a colony underground.",
    "A tiny insect that marches in long lines.",
  ],
  [
    "lobster",
    "It lives on the sea floor.",
    "It turns red when cooked.",
    "A shellfish with two big claws.",
  ],
  [
    "jellyfish",
    "It has no brain, no heart and no bones.",
    "It has floated in the sea for over 500 million years.",
    "A see-through sea creature that stings.",
  ],
  [
    "ostrich",
    "It lays the largest eggs of all birds.",
    "It cannot fly but runs very fast.",
    "A huge African bird with a long neck and legs.",
  ],
];

const PLACES: readonly Raw[] = [
  [
    "paris",
    "A capital city on a river.",
    "It is home to the Louvre museum.",
    "The French capital with an iron tower.",
  ],
  [
    "london",
    "A capital city on the Thames.",
    "Its clock tower holds a bell called Big Ben.",
    "The capital of the United Kingdom.",
  ],
  [
    "tokyo",
    "A huge capital city in Asia.",
    "Its Shibuya crossing is one of the busiest in the world.",
    "The capital of Japan.",
  ],
  [
    "rome",
    "It was the centre of an ancient empire.",
    "The Colosseum and the Trevi Fountain are here.",
    "The capital of Italy, the 'Eternal City'.",
  ],
  [
    "cairo",
    "A capital city on the Nile.",
    "The pyramids of Giza are on its edge.",
    "The capital of Egypt.",
  ],
  [
    "sydney",
    "A harbour city in the southern hemisphere.",
    "Its opera house looks like sails.",
    "Australia's largest city.",
  ],
  [
    "berlin",
    "A capital city that was divided by a wall.",
    "The Brandenburg Gate stands here.",
    "The capital of Germany.",
  ],
  [
    "madrid",
    "A capital city in the middle of a peninsula.",
    "The Prado museum and the Royal Palace are here.",
    "The capital of Spain.",
  ],
  [
    "moscow",
    "A capital city with very cold winters.",
    "Red Square and the Kremlin are here.",
    "The capital of Russia.",
  ],
  [
    "beijing",
    "An ancient capital in the north of its country.",
    "The Forbidden City is at its heart.",
    "The capital of China.",
  ],
  [
    "venice",
    "A city built on more than a hundred small islands.",
    "People get around by gondola.",
    "An Italian city of canals instead of streets.",
  ],
  [
    "istanbul",
    "It was once called Constantinople.",
    "The Hagia Sophia and the Grand Bazaar are here.",
    "A Turkish city that sits on two continents.",
  ],
  [
    "dubai",
    "A city that grew out of the desert in a few decades.",
    "It has artificial islands shaped like palm trees.",
    "The city of the Burj Khalifa, in the Emirates.",
  ],
  [
    "toronto",
    "A big city on a Great Lake.",
    "The CN Tower rises over it.",
    "Canada's largest city.",
  ],
  [
    "chicago",
    "A city on Lake Michigan.",
    "It is known for deep-dish pizza and 'the Bean'.",
    "The 'Windy City' of Illinois.",
  ],
  [
    "amsterdam",
    "A European city of canals and bicycles.",
    "Anne Frank's house is here.",
    "The capital of the Netherlands.",
  ],
  [
    "athens",
    "An ancient city where democracy was born.",
    "The Parthenon stands on its Acropolis.",
    "The capital of Greece.",
  ],
  [
    "lisbon",
    "A hilly capital on the Atlantic coast.",
    "Old yellow trams climb its streets.",
    "The capital of Portugal.",
  ],
  [
    "vienna",
    "A capital city on the Danube.",
    "Mozart and Beethoven lived and worked here.",
    "The capital of Austria, famous for waltzes and cafés.",
  ],
  [
    "prague",
    "A central European capital on the Vltava river.",
    "Its astronomical clock is six hundred years old.",
    "The capital of the Czech Republic.",
  ],
  [
    "mumbai",
    "India's largest city, on the west coast.",
    "It is the home of Bollywood.",
    "The city once called Bombay.",
  ],
  [
    "bangkok",
    "A capital city with floating markets.",
    "It has golden temples and a Grand Palace.",
    "The capital of Thailand.",
  ],
  [
    "singapore",
    "A city that is also a country.",
    "It has a famous hotel with a pool on its roof.",
    "A small island nation at the tip of Malaysia.",
  ],
  [
    "nairobi",
    "A capital city close to the equator.",
    "It has a national park with lions inside the city limits.",
    "The capital of Kenya.",
  ],
  [
    "havana",
    "A capital city full of old American cars.",
    "It is famous for cigars and salsa.",
    "The capital of Cuba.",
  ],
  [
    "iceland",
    "An island country close to the Arctic Circle.",
    "It has volcanoes, geysers and glaciers.",
    "A Nordic island nation whose capital is Reykjavik.",
  ],
  [
    "japan",
    "An island country in the Pacific.",
    "It has bullet trains and cherry blossoms.",
    "The country of Mount Fuji and sushi.",
  ],
  [
    "brazil",
    "The largest country in South America.",
    "People there speak Portuguese.",
    "The country of the Rio carnival and five football World Cups.",
  ],
  [
    "canada",
    "The second-largest country on Earth.",
    "It has two official languages, English and French.",
    "A country with a maple leaf on its flag.",
  ],
  [
    "mexico",
    "A country south of the United States.",
    "Tacos and mariachi come from here.",
    "The country whose capital has the same name.",
  ],
  [
    "egypt",
    "A country in the north-east of Africa.",
    "The Nile flows through it to the Mediterranean.",
    "The land of the pharaohs and the pyramids.",
  ],
  [
    "india",
    "A country with more than a billion people.",
    "It has hundreds of languages and spicy food.",
    "The country of the Taj Mahal.",
  ],
  [
    "norway",
    "A Scandinavian country with a long coast.",
    "You can see the midnight sun and the northern lights.",
    "The country of fjords, whose capital is Oslo.",
  ],
  [
    "greece",
    "A Mediterranean country with thousands of islands.",
    "The Olympic Games began here.",
    "The country of Santorini and the ancient gods of Olympus.",
  ],
  [
    "peru",
    "A South American country on the Pacific.",
    "Llamas and alpacas live in its mountains.",
    "The country of Machu Picchu.",
  ],
  [
    "kenya",
    "An East African country on the equator.",
    "Its runners win many marathons.",
    "The country of Nairobi and the Maasai Mara.",
  ],
  [
    "sahara",
    "A huge place in the north of a continent.",
    "Some of its sand dunes are taller than skyscrapers.",
    "The largest hot desert in the world.",
  ],
  [
    "amazon",
    "A vast place in South America.",
    "It makes a large share of the world's oxygen.",
    "The largest rainforest, named after its river.",
  ],
  [
    "everest",
    "A place on the border of two countries.",
    "People climb it with oxygen bottles.",
    "The highest mountain on Earth.",
  ],
  [
    "alps",
    "A range across eight European countries.",
    "Mont Blanc and the Matterhorn are here.",
    "Europe's great mountain range, loved by skiers.",
  ],
  [
    "himalaya",
    "A mountain range in Asia.",
    "It holds the world's highest peaks.",
    "The range of Everest and K2, 'the abode of snow'.",
  ],
  [
    "antarctica",
    "The coldest place on Earth.",
    "It has no permanent human residents, only scientists.",
    "The icy continent at the South Pole.",
  ],
  [
    "australia",
    "A country that is also a continent.",
    "Kangaroos and koalas live here.",
    "The land 'down under'.",
  ],
  [
    "hawaii",
    "A group of islands in the Pacific.",
    "It has active volcanoes and surfing beaches.",
    "The American state of hula and leis.",
  ],
  [
    "niagara",
    "A place on the border of two countries.",
    "Tourists ride boats into its mist.",
    "Famous falls between Canada and the United States.",
  ],
  [
    "venezuela",
    "A South American country on the Caribbean.",
    "It has the world's highest waterfall, Angel Falls.",
    "The country whose capital is Caracas.",
  ],
  [
    "scotland",
    "A country in the north of Great Britain.",
    "It has lochs, castles and bagpipes.",
    "The country of Edinburgh and the Loch Ness monster.",
  ],
  [
    "ireland",
    "An island in the North Atlantic.",
    "Its national symbol is a shamrock.",
    "The 'Emerald Isle', whose capital is Dublin.",
  ],
  [
    "morocco",
    "A North African country on two seas.",
    "Marrakesh and its souks are here.",
    "The country of Casablanca and the Atlas Mountains.",
  ],
  [
    "mississippi",
    "A long place that flows.",
    "Steamboats and Mark Twain made it famous.",
    "The great river of the United States, ending at New Orleans.",
  ],
  [
    "thames",
    "Something that flows through a capital.",
    "Tower Bridge crosses it.",
    "The river of London.",
  ],
  [
    "siberia",
    "A vast region of northern Asia.",
    "It has some of the coldest inhabited places on Earth.",
    "The huge Russian land east of the Urals.",
  ],
];

const COLORS: readonly Raw[] = [
  [
    "red",
    "The colour of danger and of love.",
    "It means 'stop' at a traffic light.",
    "The colour of blood and ripe strawberries.",
  ],
  [
    "blue",
    "The colour of calm.",
    "It is the colour of a clear sky.",
    "The colour of the sea on a sunny day.",
  ],
  [
    "green",
    "The colour of nature.",
    "It means 'go' at a traffic light.",
    "The colour of grass and leaves.",
  ],
  [
    "yellow",
    "A bright, cheerful colour.",
    "It is the colour of a school bus in America.",
    "The colour of the sun, lemons and bananas.",
  ],
  [
    "orange",
    "A warm colour between two others.",
    "It is the colour of a pumpkin.",
    "A colour that shares its name with a citrus fruit.",
  ],
  [
    "purple",
    "A colour long worn by kings and emperors.",
    "You get it by mixing red and blue.",
    "The colour of grapes and amethyst.",
  ],
  [
    "pink",
    "A soft, light colour.",
    "It is a pale shade of red.",
    "The colour of flamingos and candy floss.",
  ],
  [
    "brown",
    "An earthy colour.",
    "It is the colour of wood and soil.",
    "The colour of chocolate and coffee.",
  ],
  [
    "black",
    "The darkest of all.",
    "It is the colour of night without stars.",
    "The colour of coal and ink.",
  ],
  [
    "white",
    "The lightest of all.",
    "It is the colour of milk.",
    "The colour of fresh snow.",
  ],
  [
    "gray",
    "A colour between two extremes.",
    "It is the colour of storm clouds and elephants.",
    "A mix of black and white.",
  ],
  [
    "crimson",
    "A deep shade of red.",
    "It leans slightly towards purple.",
    "The colour of a deep-red rose, and of Harvard's teams.",
  ],
  [
    "scarlet",
    "A vivid shade of red.",
    "It leans slightly towards orange.",
    "The bright red of a cardinal's robe or a fire engine.",
  ],
  [
    "maroon",
    "A dark shade of red.",
    "It leans towards brown.",
    "A deep brownish red, the colour of dark cherries.",
  ],
  [
    "burgundy",
    "A dark shade of red.",
    "It is named after a French wine region.",
    "The deep purplish red of red wine.",
  ],
  [
    "navy",
    "A very dark shade of blue.",
    "It is named after sailors' uniforms.",
    "The blue of a classic blazer.",
  ],
  [
    "indigo",
    "A colour of the rainbow.",
    "It sits between blue and violet.",
    "A deep blue dye used for jeans.",
  ],
  [
    "violet",
    "The last colour of the rainbow.",
    "It has the shortest wavelength we can see.",
    "A bluish purple, named after a small flower.",
  ],
  [
    "lavender",
    "A pale shade of purple.",
    "It is named after a fragrant plant.",
    "The colour of the fields of Provence in summer.",
  ],
  [
    "lilac",
    "A pale, pinkish purple.",
    "It is named after a flowering shrub.",
    "The colour of spring blossoms that smell sweet.",
  ],
  [
    "magenta",
    "A vivid colour between red and blue.",
    "It is one of the four inks in a colour printer.",
    "A bright purplish pink.",
  ],
  [
    "turquoise",
    "A colour between blue and green.",
    "It is named after a gemstone.",
    "The colour of tropical seas over white sand.",
  ],
  [
    "teal",
    "A dark blend of blue and green.",
    "It is named after a small duck.",
    "A deep blue-green.",
  ],
  [
    "cyan",
    "A bright, light blue-green.",
    "It is one of the four inks in a colour printer.",
    "The colour between green and blue in the rainbow.",
  ],
  [
    "azure",
    "A bright blue.",
    "Its name comes from the Persian word for lapis lazuli.",
    "The colour of a cloudless sky.",
  ],
  [
    "cobalt",
    "A deep, strong blue.",
    "It is named after a metal used to colour glass.",
    "The blue of Delft and Chinese porcelain.",
  ],
  [
    "emerald",
    "A brilliant shade of green.",
    "It is named after a precious stone.",
    "The green of the city in The Wizard of Oz.",
  ],
  [
    "olive",
    "A dull, yellowish green.",
    "It is named after a Mediterranean fruit.",
    "The colour of army uniforms.",
  ],
  [
    "lime",
    "A bright yellowish green.",
    "It is named after a small citrus fruit.",
    "A zesty green.",
  ],
  [
    "mint",
    "A pale, fresh green.",
    "It is named after a herb.",
    "The colour of a cool ice cream flavour.",
  ],
  [
    "jade",
    "A green with a hint of blue.",
    "It is named after a stone carved in China.",
    "The green of a precious carved stone.",
  ],
  [
    "khaki",
    "A dull colour between green and brown.",
    "Its name means 'dust' in Urdu.",
    "The colour of safari shorts and chinos.",
  ],
  [
    "beige",
    "A pale, sandy colour.",
    "It is the colour of undyed wool.",
    "A light greyish yellow, the colour of sand.",
  ],
  [
    "tan",
    "A light brown.",
    "It is the colour skin turns after the sun.",
    "The colour of a leather saddle.",
  ],
  [
    "ochre",
    "An earthy yellow-brown.",
    "Prehistoric cave painters used it.",
    "A natural pigment made from clay.",
  ],
  [
    "amber",
    "A warm golden orange.",
    "It means 'get ready' at a traffic light in Britain.",
    "The colour of fossilised tree resin.",
  ],
  [
    "gold",
    "A warm, shining yellow.",
    "It is the colour of first place.",
    "The colour of a precious metal and a winner's medal.",
  ],
  [
    "silver",
    "A shining gray.",
    "It is the colour of second place.",
    "The colour of a precious metal and the moon's reflection.",
  ],
  [
    "bronze",
    "A metallic brown.",
    "It is the colour of third place.",
    "The colour of an old statue made of copper and tin.",
  ],
  [
    "copper",
    "A reddish-brown metallic colour.",
    "It is the colour of a new penny.",
    "A metal's colour that turns green with age.",
  ],
  [
    "coral",
    "A pinkish orange.",
    "It is named after sea creatures that build reefs.",
    "The colour of a living reef.",
  ],
  [
    "salmon",
    "A pinkish orange.",
    "It is named after a fish.",
    "The colour of the flesh of a fish that swims upstream.",
  ],
  [
    "peach",
    "A pale, warm orange.",
    "It is named after a fuzzy fruit.",
    "A soft colour of summer fruit.",
  ],
  [
    "apricot",
    "A light yellowish orange.",
    "It is named after a small stone fruit.",
    "A soft orange, a bit darker than peach.",
  ],
  [
    "ivory",
    "An off-white.",
    "It is named after elephant tusks.",
    "A creamy white, like old piano keys.",
  ],
  [
    "cream",
    "A pale yellowish white.",
    "It is named after something skimmed off milk.",
    "The colour of a dairy topping.",
  ],
  [
    "charcoal",
    "A very dark gray.",
    "It is named after burnt wood used for drawing.",
    "The colour of a barbecue fuel.",
  ],
  [
    "slate",
    "A dark bluish gray.",
    "It is named after a rock used for roofs.",
    "The colour of a school writing board of old.",
  ],
  [
    "mauve",
    "A pale purple.",
    "It was the first synthetic dye, made in 1856.",
    "A soft purple named after the mallow flower.",
  ],
  [
    "fuchsia",
    "A vivid purplish red.",
    "It is named after a flower and a botanist.",
    "A hot pink.",
  ],
  [
    "rust",
    "A reddish-brown.",
    "It is named after what happens to wet iron.",
    "The colour of corroded metal.",
  ],
  [
    "sapphire",
    "A deep, bright blue.",
    "It is named after a precious stone.",
    "The blue of a royal engagement ring.",
  ],
];

function bank(raw: readonly Raw[]): readonly WordEntry[] {
  return raw.map(([word, ...clues]) => ({ word, clues }));
}

/** The word banks. */
export const WORDS: Readonly<Record<Category, readonly WordEntry[]>> = {
  animals: bank(ANIMALS),
  places: bank(PLACES),
  colors: bank(COLORS),
};
