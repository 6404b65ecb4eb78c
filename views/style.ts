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
main.wide > * + *, main.wide > div > * + * { margin-top: 1rem; }
.hero p { font-size: 1.05rem; }
.warn { border-color: #d4a72c; background: color-mix(in srgb, #d4a72c 12%, var(--card)); }
.warn h2 { margin-top: 0; }
.card h2:first-child { margin-top: 0; }
.value { margin: 0 0 1rem; }
.value-label { font-weight: 600; font-size: .9rem; margin-bottom: .25rem; }
.value-row { display: flex; gap: .5rem; align-items: stretch; }
.value-row code, .value-row input { flex: 1 1 auto; min-width: 0; }
.value-row code { display: block; padding: .5rem .75rem; border: 1px solid var(--line); border-radius: 8px;
  background: var(--bg); }
.value .muted { margin: .25rem 0 0; }
button.copy, .value-row button { width: auto; flex: 0 0 auto; padding: .5rem .9rem; }
.buttons.inline { grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); }
button:disabled { opacity: .5; cursor: not-allowed; }
select { width: 100%; padding: .6rem .75rem; border-radius: 8px; border: 1px solid var(--line);
  background: var(--bg); color: var(--fg); font: inherit; margin-bottom: .75rem; }
.value-row + label, .buttons + label { margin-top: 1rem; }
.links { display: flex; flex-wrap: wrap; gap: 1rem; justify-content: center; }
.providers { padding-left: 1.25rem; }
.table-wrap { overflow-x: auto; }
table { width: 100%; border-collapse: collapse; font-size: .95rem; }
th, td { text-align: left; vertical-align: top; padding: .5rem; border-bottom: 1px solid var(--line);
  overflow-wrap: break-word; }
.num { text-align: right; }
.prose td { min-width: 6rem; }
@media (max-width: 40rem) {
  .prose table, .prose tbody, .prose tr, .prose td { display: block; min-width: 0; }
  .prose thead { display: none; }
  .prose tr { padding: .5rem 0; border-bottom: 1px solid var(--line); }
  .prose td { padding: .15rem 0; border: 0; }
  .prose td::before { content: attr(data-label); display: block; font-size: .85rem; font-weight: 600;
    color: var(--muted); }
}
.box { margin: .5rem 0 0; padding: .75rem; border-radius: 8px; background: var(--bg); border: 1px solid var(--line);
  font: .85rem/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
.log { padding-left: 1.5rem; margin: 0; }
.log li { margin-bottom: .75rem; }
.req { font-weight: 600; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9rem;
  overflow-wrap: anywhere; }
.problem { color: var(--danger); }
`;
