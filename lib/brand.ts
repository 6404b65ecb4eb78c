/**
 * The pure parts of the operator's brand: which image a logo is (by its
 * first bytes, never by a name or a declared type), and which text colour
 * reads on the brand's colour (WCAG 2.2 relative luminance and contrast).
 *
 * @module
 */

/** The image types a logo may be. */
export type LogoType =
  | "image/png"
  | "image/svg+xml"
  | "image/webp"
  | "image/jpeg";

/** The largest logo accepted, in bytes: pages link it, the chat's board inlines it. */
export const MAX_LOGO_BYTES = 64 * 1024;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const ascii = (bytes: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...bytes.subarray(from, to));
/** An SVG document: an optional XML declaration, comments and doctype, then `<svg`. */
const SVG_START =
  /^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i;

/**
 * The image type of `bytes` by its magic bytes, or `null` for anything else.
 *
 * @example
 * ```ts
 * sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])); // "image/jpeg"
 * ```
 */
export function sniffImage(bytes: Uint8Array): LogoType | null {
  if (PNG.every((b, i) => bytes[i] === b)) return "image/png";
  if (JPEG.every((b, i) => bytes[i] === b)) return "image/jpeg";
  if (
    bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" &&
    ascii(bytes, 8, 12) === "WEBP"
  ) {
    return "image/webp";
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(
      bytes.subarray(0, 4096),
    );
  } catch {
    // A multi-byte character cut at 4096 bytes is still text.
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(
        bytes.subarray(0, 4093),
      );
    } catch {
      return null;
    }
  }
  return SVG_START.test(text) ? "image/svg+xml" : null;
}

/** `#rrggbb`, lower or upper case. */
export const COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;

/** WCAG 2.2 relative luminance of a `#rrggbb` colour. */
export function luminance(color: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(color.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two `#rrggbb` colours, from 1 to 21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The text colour for a background: black or white, whichever contrasts
 * more. The worse of the two never drops below 4.58:1, so text on any
 * background chosen this way meets WCAG AA (4.5:1) for normal text.
 *
 * @example
 * ```ts
 * textOn("#ffd400"); // "#000000"
 * textOn("#0b6bcb"); // "#ffffff"
 * ```
 */
export function textOn(background: string): "#000000" | "#ffffff" {
  return contrast(background, "#000000") >= contrast(background, "#ffffff")
    ? "#000000"
    : "#ffffff";
}
