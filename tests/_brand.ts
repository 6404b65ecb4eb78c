/** A brand for tests: a small SVG logo, as bytes and as a data URL. */

/** A 48×48 SVG logo of over 100 bytes. */
export const LOGO_SVG = new TextEncoder().encode(
  `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48"><circle cx="24" cy="24" r="20" fill="#ffd400"/><text x="24" y="30" text-anchor="middle" font-size="16">W</text></svg>
`,
);

/** {@linkcode LOGO_SVG} as a `data:` URL, for `BRAND_LOGO`. */
export const LOGO_SVG_DATA_URL =
  `data:image/svg+xml;base64,${LOGO_SVG.toBase64()}`;

/** The smallest valid PNG (1×1, transparent). */
export const LOGO_PNG = Uint8Array.fromBase64(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
);
