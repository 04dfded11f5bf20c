package report

// stylesheet is the HTML report's only style: system fonts (nothing to
// download), a readable measure, tables with tabular figures, a verdict
// box coloured by the answer, and print rules (A4, a page per section,
// colours kept, no split rows or charts).
const stylesheet = `:root {
  --ink: #1d2430; --muted: #5b6470; --rule: #d9dde3; --soft: #f4f6f8;
  --accent: #1f4e79; --mark: #fff4d6;
  --red: #9f1d16; --red-bg: #fdecea; --amber: #8a4b00; --amber-bg: #fff3df;
  --green: #1e6b35; --green-bg: #e7f4ea; --grey: #3d4652; --grey-bg: #eef0f3;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0 auto; max-width: 64rem; padding: 2rem 2.5rem 3rem;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
  font-size: 15px; line-height: 1.55; color: var(--ink); background: #ffffff;
}
h1, h2, h3, h4 { color: #0f2a44; line-height: 1.25; margin: 1.6em 0 0.5em; }
h1 { font-size: 2rem; margin: 0.2em 0 0.4em; letter-spacing: -0.01em; }
h2 { font-size: 1.45rem; padding-bottom: 0.3em; border-bottom: 2px solid var(--accent); }
h2 .num { display: inline-block; min-width: 1.6em; color: var(--accent); }
h3 { font-size: 1.15rem; }
h4 { font-size: 1rem; margin-top: 1.3em; }
p { margin: 0.6em 0; max-width: 46rem; }
a { color: var(--accent); }
a:focus-visible, .table-wrap:focus-visible { outline: 3px solid #f59f00; outline-offset: 2px; border-radius: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #ffffff; padding: 0.5rem 1rem; }
.skip:focus { left: 1rem; top: 1rem; z-index: 10; }
.cover { border-bottom: 1px solid var(--rule); padding-bottom: 1rem; }
.kicker { text-transform: uppercase; letter-spacing: 0.12em; font-size: 0.78rem; font-weight: 600; color: var(--accent); margin: 0; }
.intro { font-size: 1.05rem; color: var(--muted); }
.meta { list-style: none; padding: 0; margin: 0.8rem 0 0; color: var(--muted); font-size: 0.9rem; }
.meta li { margin: 0.15rem 0; }
.toc { background: var(--soft); border-radius: 6px; padding: 0.6rem 1.4rem 0.8rem; margin: 1.4rem 0; }
.toc h2 { font-size: 1rem; border: 0; margin: 0.4rem 0; padding: 0; }
.toc ol { margin: 0; padding-left: 1.4rem; columns: 2; column-gap: 2rem; }
.toc li { margin: 0.15rem 0; }
section { margin-top: 2rem; }
.verdict { border-radius: 8px; padding: 1.1rem 1.4rem 1.2rem; margin: 1rem 0 1.4rem; border-left: 8px solid; }
.verdict .answer { font-size: 1.5rem; font-weight: 700; margin: 0 0 0.3rem; }
.verdict .sentence { font-size: 1.02rem; max-width: none; margin: 0 0 0.9rem; }
.verdict-significant { background: var(--red-bg); border-color: var(--red); }
.verdict-significant .answer { color: var(--red); }
.verdict-reduced { background: var(--amber-bg); border-color: var(--amber); }
.verdict-reduced .answer { color: var(--amber); }
.verdict-within { background: var(--green-bg); border-color: var(--green); }
.verdict-within .answer { color: var(--green); }
.verdict-none { background: var(--grey-bg); border-color: var(--grey); }
.verdict-none .answer { color: var(--grey); }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: 0.6rem; margin: 0; }
.tile { background: rgba(255, 255, 255, 0.75); border-radius: 6px; padding: 0.55rem 0.8rem; }
.tile dt { font-size: 0.8rem; color: var(--muted); }
.tile dd { margin: 0.1rem 0 0; }
.tile .value { display: block; font-weight: 700; font-size: 1.05rem; font-variant-numeric: tabular-nums; }
.tile .detail { display: block; font-size: 0.78rem; color: var(--muted); }
figure { margin: 1.4rem 0 0.6rem; }
figcaption { font-weight: 600; margin-bottom: 0.4rem; }
.chart-wrap { border: 1px solid var(--rule); border-radius: 6px; padding: 0.4rem; background: #ffffff; }
svg.chart { display: block; width: 100%; height: auto; font-family: inherit; }
svg.chart.map { max-width: 34rem; margin: 0 auto; }
svg.chart .tick { font-size: 12px; fill: var(--muted); }
svg.chart .axis-title { font-size: 13px; fill: var(--ink); }
svg.chart .legend { font-size: 12.5px; fill: var(--ink); }
svg.chart .label { font-size: 12.5px; fill: var(--ink); }
svg.chart .value { font-size: 12px; fill: var(--ink); font-variant-numeric: tabular-nums; }
svg.chart .note { font-size: 12px; fill: var(--muted); }
svg.chart .plan-label { font-size: 13px; font-weight: 700; fill: #d9480f; }
.table-wrap { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: 0 0 0.4rem; color: var(--ink); }
th, td { padding: 0.38rem 0.6rem; border-bottom: 1px solid var(--rule); vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); font-size: 0.8rem; color: var(--muted); font-weight: 600; }
tbody th { font-weight: 500; }
.r { text-align: right; }
.l { text-align: left; }
tbody tr:nth-child(even) { background: #fafbfc; }
tr.mark, tbody tr.mark:nth-child(even) { background: var(--mark); }
tr.mark th { font-weight: 700; }
.table-note, p.note { font-size: 0.82rem; color: var(--muted); }
.defs { display: grid; grid-template-columns: minmax(9rem, 14rem) 1fr; gap: 0.25rem 1rem; margin: 0.4rem 0 1rem; }
.defs dt { color: var(--muted); font-size: 0.9rem; }
.defs dd { margin: 0; }
ul { padding-left: 1.3rem; }
li { margin: 0.25rem 0; }
footer { margin-top: 3rem; padding-top: 0.8rem; border-top: 1px solid var(--rule); font-size: 0.82rem; color: var(--muted); }
@media (max-width: 40rem) {
  body { padding: 1rem; }
  .toc ol { columns: 1; }
  .defs { grid-template-columns: 1fr; }
}
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  html, body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  .skip { display: none; }
  h1 { font-size: 20pt; }
  h2 { font-size: 15pt; }
  .toc { padding: 0.3rem 1rem 0.5rem; margin: 0.8rem 0; }
  section.new-page { break-before: page; }
  h2, h3, h4, caption { break-after: avoid; }
  .verdict, figure, .tile, tr, .defs dt, .defs dd { break-inside: avoid; }
  thead { display: table-header-group; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
  footer { margin-top: 1.5rem; }
}
`
