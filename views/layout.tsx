import type { Child } from "hono/jsx";
import { SCRIPT, STYLE } from "./assets.ts";
import { useBrand } from "./brand.ts";

/** The brand's logo (when there is one) and name, for a heading or the bar. */
export function BrandMark() {
  const { brand, logo } = useBrand();
  return (
    <>
      {logo
        ? <img class="brand-logo" src={logo.href} alt="" height="32" />
        : null}
      <span class="brand-name">{brand.name}</span>
    </>
  );
}

/**
 * The page shell: one stylesheet; `script` adds our one script file.
 * `referrer` must match the page's `Referrer-Policy` header (see `renderPage`).
 */
export function Layout(
  props: {
    title: string;
    children: Child;
    wide?: boolean;
    script?: boolean;
    /** A module script of ours to load (its versioned URL). */
    module?: string;
    /** More stylesheets of ours, loaded before the main one. */
    stylesheets?: readonly string[];
    referrer?: ReferrerPolicy;
    /**
     * Show the brand bar above the content; pages whose heading is the
     * brand (the setup guide, /play) draw {@linkcode BrandMark} there instead.
     */
    brandBar?: boolean;
    /** More links for the footer, after the ones every page has. */
    links?: readonly { href: string; label: string }[];
  },
) {
  const { brand, style } = useBrand();
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content={props.referrer ?? "no-referrer"} />
        <title>{props.title} · {brand.name}</title>
        {(props.stylesheets ?? []).map((href) => (
          <link rel="stylesheet" href={href} />
        ))}
        <link rel="stylesheet" href={STYLE.href} />
        <link rel="stylesheet" href={style.href} />
        <link rel="icon" href="data:," />
        {props.script ? <script src={SCRIPT.href} defer></script> : null}
        {props.module
          ? <script type="module" src={props.module}></script>
          : null}
      </head>
      <body>
        <main class={props.wide ? "wide" : undefined}>
          {props.brandBar === false ? null : (
            <header class="brand-bar">
              <a href="/">
                <BrandMark />
              </a>
            </header>
          )}
          {props.children}
          <footer class="muted">
            <a href="/">{brand.name}</a> · <a href="/play">Play</a> ·{" "}
            <a href="/leaderboard">Leaderboard</a> ·{" "}
            <a href="/privacy">Privacy</a>
            {(props.links ?? []).map((link) => (
              <>
                {" "}· <a href={link.href}>{link.label}</a>
              </>
            ))}
          </footer>
        </main>
      </body>
    </html>
  );
}

/** A page for a problem a person can meet, with a way forward. */
export function ErrorPage(
  props: { title: string; message: string; next?: string },
) {
  return (
    <Layout title={props.title}>
      <div class="card error">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        {props.next ? <p class="muted">{props.next}</p> : null}
      </div>
    </Layout>
  );
}
