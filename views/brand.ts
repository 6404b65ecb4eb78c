/**
 * The operator's brand as pages and the board show it: a stylesheet built
 * once from `BRAND_COLOR` (the CSP allows no inline style, so the colour
 * travels in a file of ours), the logo as a versioned asset, and a JSX
 * context that hands both to the layout without threading them through
 * every page's props.
 *
 * @module
 */
import type {} from "hono";
import { createContext, useContext } from "hono/jsx";
import { type Brand, DEFAULT_BRAND_NAME } from "../config.ts";
import { textOn } from "../lib/brand.ts";
import { type Asset, asset } from "./assets.ts";

/** What a page needs of the brand: names, URLs, the stylesheet. */
export interface BrandAssets {
  brand: Brand;
  /** `/assets/brand.css?v=…`: the colour's rules (empty without a colour). */
  style: Asset;
  /** `/assets/logo?v=…`, or `null` without a logo. */
  logo: Asset | null;
  /** The logo as a `data:` URL, for the chat's board; `null` without one. */
  logoDataUrl: string | null;
  /** The text colour on the primary colour (black or white), or `null`. */
  textColor: string | null;
  /** The colour rules, for documents that inline their CSS (the board). */
  css: string;
}

/**
 * The colour rules: the brand's colour behind the brand bar, primary
 * buttons and the board's main buttons, with black or white text on it,
 * whichever contrasts more (see `textOn`). Links and focus rings keep the
 * page's own accent, which is chosen to read on the page's background in
 * light and dark schemes alike, whatever the brand's colour is.
 */
export function brandCss(color: string | null): string {
  if (color === null) {
    return "/* No BRAND_COLOR: the service's own colours. */\n";
  }
  const fg = textOn(color);
  return `:root {
  --brand: ${color};
  --brand-fg: ${fg};
}
.brand-bar,
.brand-swatch {
  background: ${color};
  color: ${fg};
}
.button.primary,
button.primary,
.board .board-send,
.board .board-again {
  background: ${color};
  border-color: ${color};
  color: ${fg};
}
`;
}

/** Builds the brand's assets once (at start-up, from the configuration). */
export function brandAssets(brand: Brand): BrandAssets {
  const css = brandCss(brand.color);
  return {
    brand,
    css,
    style: asset("/assets/brand.css", "text/css; charset=utf-8", css),
    logo: brand.logo
      ? asset("/assets/logo", brand.logo.type, brand.logo.bytes)
      : null,
    logoDataUrl: brand.logo
      ? `data:${brand.logo.type};base64,${brand.logo.bytes.toBase64()}`
      : null,
    textColor: brand.color ? textOn(brand.color) : null,
  };
}

/** The service's own brand: our name, our colours, no logo. */
export const DEFAULT_BRAND: BrandAssets = brandAssets({
  name: DEFAULT_BRAND_NAME,
  color: null,
  logo: null,
});

/**
 * The brand of the page being rendered: `renderPage` provides the app's;
 * a view rendered on its own (a unit test) gets {@linkcode DEFAULT_BRAND}.
 */
export const BrandContext = createContext<BrandAssets>(DEFAULT_BRAND);

/** The brand of the page being rendered, inside a component. */
export function useBrand(): BrandAssets {
  return useContext(BrandContext);
}

declare module "hono" {
  interface ContextVariableMap {
    /** The app's brand, set once per request by `composeApp`. */
    brand: BrandAssets;
  }
}
