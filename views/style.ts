/** The one stylesheet, served from `/assets/style.css` so pages need no inline styles. */
export const STYLESHEET = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #59636e; --bg: #f6f8fa; --card: #fff;
  --line: #d1d9e0; --accent: #0b6bcb; --accent-fg: #fff; --danger: #b42318; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117;
  --card: #151b23; --line: #3d444d; --accent: #4493f8; --accent-fg: #0d1117; --danger: #f85149; } }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); }
main { max-width: 34rem; margin: 0 auto; padding: 2rem 1rem; }
main.wide { max-width: 52rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 1.5rem; }
h1 { font-size: 1.4rem; line-height: 1.3; margin: 0 0 .75rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
p, ul { margin: 0 0 1rem; }
.muted { color: var(--muted); font-size: .9rem; }
.error h1 { color: var(--danger); }
.buttons { display: grid; gap: .6rem; margin: 1.25rem 0; }
.button, button { display: block; width: 100%; padding: .75rem 1rem; border-radius: 8px; border: 1px solid var(--line);
  background: var(--card); color: var(--fg); font: inherit; font-weight: 600; text-align: center;
  text-decoration: none; cursor: pointer; }
.button.primary, button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-fg); }
.button:focus-visible, button:focus-visible, input:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
a { color: var(--accent); overflow-wrap: anywhere; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
input[type=text] { width: 100%; padding: .6rem .75rem; border-radius: 8px; border: 1px solid var(--line);
  background: var(--bg); color: var(--fg); font: inherit; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; overflow-wrap: anywhere; }
footer { margin-top: 1.5rem; text-align: center; }
`;
