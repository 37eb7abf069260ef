"""The report's style sheet, page skeleton and script, kept inline so the report is one file."""

CSS = r"""
.reviewbar { display: flex; gap: .5rem; align-items: center; margin: .4rem 0; flex-wrap: wrap; }
.reviewbar .spacer { flex: 1; }
.e.marked-keep { outline: 2px solid #2e7d32; outline-offset: 1px; }
.e.marked-keep del { text-decoration: none; }
#filter-note { background: #fff8e1; padding: .4rem .6rem; }
#tip .detail { font-family: ui-monospace, monospace; font-size: .85em; }
#export-dialog textarea { width: 100%; font-family: ui-monospace, monospace; }
:root{--bg:#f7f6f2;--panel:#fff;--ink:#1d1d1f;--muted:#6b6b70;--line:#e2e0da;--accent:#3b5bdb;--sel:#fff3bf;
  --mono:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;
  --sans:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif}
@media (prefers-color-scheme:dark){:root{--bg:#17181a;--panel:#202124;--ink:#e8e8ea;--muted:#a0a0a8;--line:#35363a;--accent:#8da2fb;--sel:#5c4b00}}
*{box-sizing:border-box}
html,body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.45 var(--sans)}
button,select,input{font:inherit;color:inherit}
button{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:3px 10px;cursor:pointer}
button:hover{border-color:var(--muted)}
button:disabled{opacity:.4;cursor:default}
:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.muted{color:var(--muted)}
header.top{position:sticky;top:0;z-index:5;background:var(--panel);border-bottom:1px solid var(--line);padding:8px 20px;
  display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center}
header.top h1{font-size:17px;margin:0}
header.top h1 a{color:inherit;text-decoration:none}
#runinfo{font-size:13px}
.filters{display:flex;flex-wrap:wrap;gap:6px 12px;align-items:center;margin-left:auto}
.filters select,.tablebar input{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:3px 6px;max-width:26em}
.chip{display:inline-flex;align-items:center;gap:6px;border-radius:999px;padding:2px 10px 2px 6px;font-size:13px}
.chip .sw{width:12px;height:12px;border-radius:50%;background:var(--c);display:inline-block;border:2px solid var(--c)}
.chip[aria-pressed=false]{opacity:.55;text-decoration:line-through}
.chip[aria-pressed=false] .sw{background:transparent}
.chk{font-size:13px;display:inline-flex;gap:4px;align-items:center}
main{max-width:1180px;margin:0 auto;padding:16px 20px 80px}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:14px 16px;margin:0 0 16px}
.panel h2{font-size:15px;margin:0 0 10px}
.panel h2 select{font-size:13px;background:var(--panel);border:1px solid var(--line);border-radius:6px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-bottom:16px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:10px 14px}
.card b{display:block;font-size:22px;font-variant-numeric:tabular-nums}
.card b small{font-size:13px;font-weight:400;color:var(--muted);margin-left:4px}
.card span{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.grid2{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.4fr);gap:16px}
@media (max-width:860px){.grid2{grid-template-columns:1fr}}
.stack{display:flex;height:22px;border-radius:6px;overflow:hidden;background:var(--line);margin-bottom:10px}
.stack div{background:var(--c);height:100%}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.03em}
td.n,th.n{text-align:right}
th button{border:0;background:none;padding:0;font:inherit;color:inherit;text-transform:inherit;letter-spacing:inherit}
th[aria-sort] button::after{content:" ▾"}
.sw{display:inline-block;width:10px;height:10px;border-radius:2px;background:var(--c);margin-right:6px;vertical-align:baseline}
.rulechart{display:grid;grid-template-columns:minmax(0,max-content) minmax(60px,1fr) max-content;gap:4px 10px;align-items:center;font-size:13px}
.rulechart button.rl{border:0;background:none;padding:0;text-align:left;font-family:var(--mono);font-size:12px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:30em}
.rulechart button.rl[aria-current=true]{font-weight:700;text-decoration:underline}
.rulechart .bar{height:14px;border-radius:3px;background:var(--c);min-width:2px}
.rulechart .num{color:var(--muted);white-space:nowrap}
.tablebar{display:flex;gap:12px;align-items:center;margin-bottom:8px;flex-wrap:wrap}
.pager{display:flex;gap:6px;align-items:center;margin-top:8px}
#pagetable td.name a{font-family:var(--mono);font-size:13px;color:var(--accent);text-decoration:none;word-break:break-all}
#pagetable td.name a:hover{text-decoration:underline}
.sharecell{display:flex;align-items:center;gap:8px}
.mini{display:flex;height:10px;width:160px;flex:none;background:var(--line);border-radius:3px;overflow:hidden}
.mini div{background:var(--c)}
.pagebar{display:flex;flex-wrap:wrap;gap:8px 10px;align-items:center;margin-bottom:12px}
.pagebar h2{font:600 15px var(--mono);margin:0 8px;word-break:break-all}
.spacer{flex:1}
.legend{display:flex;gap:14px;flex-wrap:wrap;font-size:13px;margin:0 0 8px}
.textpanel{padding:18px 22px}
#text{white-space:pre-wrap;word-wrap:break-word;font:16px/1.65 var(--sans);margin:0;max-width:80ch;tab-size:4}
.e{border-bottom:2px solid var(--c);border-radius:2px;cursor:help;scroll-margin:120px 0}
.e del{background:var(--t);text-decoration:line-through;text-decoration-color:var(--c);text-decoration-thickness:2px;color:inherit}
.e ins{background:var(--t2);text-decoration:none;font-weight:600}
.e.ins ins{outline:1px dashed var(--c)}
.e .arr{color:var(--c);font-weight:700;padding:0 1px}
.e:hover>del,.e:focus>del,.e.cur>del{background:var(--t2)}
.e.cur{box-shadow:0 0 0 2px var(--c)}
body.hide-removed .e del,body.hide-removed .e .arr{display:none}
body.hide-removed .e ins{background:none;font-weight:inherit;outline:none}
body.hide-removed .e{border-bottom-style:dotted}
#tip{position:fixed;z-index:20;max-width:480px;background:var(--panel);color:var(--ink);border:1px solid var(--line);border-left:5px solid var(--c);
  border-radius:8px;box-shadow:0 6px 24px rgba(0,0,0,.18);padding:8px 12px;font-size:13px;pointer-events:none}
#tip .rule{font:600 13px var(--mono)}
#tip .stage{display:inline-block;background:var(--c);color:#fff;border-radius:4px;padding:0 6px;font-size:11px;margin-right:6px;text-transform:uppercase}
#tip .chg{font-family:var(--mono);font-size:12px;white-space:pre-wrap;word-break:break-all;margin-top:6px;max-height:9em;overflow:hidden}
#tip .chg del{background:rgba(213,94,0,.15)} #tip .chg ins{background:rgba(0,158,115,.18);text-decoration:none}
#tip .why{margin-top:4px}
#tip .nest{margin-top:4px;color:var(--muted);font-size:12px}
#edittable td{font-size:13px}
#edittable td.chg{font-family:var(--mono);font-size:12px;white-space:pre-wrap;word-break:break-all;max-width:36em}
#edittable tr{cursor:pointer}
#edittable tr:hover{background:var(--sel)}
#edittable td.rule{font-family:var(--mono);font-size:12px;white-space:nowrap}
.keys{font-size:12px}
kbd{font:11px var(--mono);border:1px solid var(--line);border-radius:3px;padding:0 4px;background:var(--bg)}
#loading{padding:40px;text-align:center;color:var(--muted)}
.empty{color:var(--muted);font-style:italic}
"""

BODY = r"""
<header class="top">
  <div><h1><a href="#" id="title">cleaner report</a></h1><div id="runinfo" class="muted"></div></div>
  <nav class="filters" aria-label="Filters">
    <div id="stage-chips" role="group" aria-label="Show stages"></div>
    <label>Rule <select id="rule-select" aria-label="Show rule"><option value="">all rules</option></select></label>
    <label class="chk"><input type="checkbox" id="hide-removed"> hide removed text</label>
    <button id="reset-filters" type="button">Reset</button>
  </nav>
</header>
<main>
  <div id="loading">Loading report…</div>
  <section id="overview" hidden>
    <div class="cards" id="cards"></div>
    <div class="grid2">
      <div class="panel"><h2>Characters removed by stage</h2><div id="stagebar" class="stack" role="img"></div><table id="stagetable"></table></div>
      <div class="panel"><h2>Top rules <span class="muted">by</span> <select id="rule-sort" aria-label="Rank rules by"><option value="chars_removed">characters removed</option><option value="edits">edits</option><option value="pages">pages</option></select> <span class="muted">(click one to filter)</span></h2><div id="rulechart" class="rulechart"></div></div>
    </div>
    <div class="panel">
      <h2>Pages <span class="muted">ranked by characters removed</span></h2>
      <div class="tablebar"><input id="page-search" type="search" placeholder="filter pages by name" aria-label="Filter pages by name"><span id="page-count" class="muted"></span></div>
      <table id="pagetable"><thead><tr><th class="n">#</th><th>page</th><th class="n" data-sort="removed"><button type="button">removed</button></th>
        <th data-sort="share"><button type="button">share of page</button></th><th class="n" data-sort="edits"><button type="button">edits</button></th>
        <th class="n">characters</th></tr></thead><tbody></tbody></table>
      <div class="pager" id="pager"></div>
    </div>
    <div class="panel"><h2>Rules that never fired</h2><div id="never"></div></div>
    <div class="panel" id="problems-panel" hidden><h2>Problems</h2><ul id="problems"></ul></div>
    <p class="keys muted">Keys: on a page <kbd>j</kbd>/<kbd>k</kbd> next/previous page, <kbd>.</kbd>/<kbd>,</kbd> next/previous edit, <kbd>Esc</kbd> overview.</p>
  </section>
  <section id="pageview" hidden>
    <div class="pagebar">
      <button id="back" type="button">← Overview</button>
      <button id="prev" type="button" aria-label="Previous page">‹ Prev</button><span id="pos" class="muted"></span>
      <button id="next" type="button" aria-label="Next page">Next ›</button>
      <h2 id="pagename"></h2><span id="pagestats" class="muted"></span><span class="spacer"></span>
      <button id="prev-edit" type="button">‹ edit</button><button id="next-edit" type="button">edit ›</button>
    </div>
    <div class="reviewbar" id="reviewbar">
      <button id="mark-keep" type="button" title="The focused edit was wrong: keep its text (key x)">Keep this edit's text</button>
      <button id="mark-remove" type="button" title="Select kept text first: its lines are junk (key r)">Remove the selected line(s)</button>
      <span class="spacer"></span><span id="decisions" class="muted">no decisions yet</span>
      <button id="export" type="button" disabled>Export decisions as YAML</button>
    </div>
    <div class="panel" id="filter-note" hidden></div>
    <div class="legend" id="legend"></div>
    <div class="panel textpanel"><pre id="text" aria-label="Raw page with edits"></pre></div>
    <details class="panel" id="edit-list"><summary>Every edit on this page, in order</summary><table id="edittable"></table></details>
  </section>
</main>
<div id="tip" role="tooltip" hidden></div>
<dialog id="export-dialog"><p>Save this as a rules file, check it with <code>cleaner rules test FILE</code> and apply it with
<code>cleaner run … --add-rules FILE</code>.</p><textarea id="export-yaml" rows="18" cols="100" readonly></textarea>
<p><a id="export-link" download="review-decisions.yaml">Download review-decisions.yaml</a> <button id="export-close" type="button">Close</button></p></dialog>
"""

JS = r"""
'use strict';
const META = JSON.parse(document.getElementById('meta').textContent);
const $ = (id) => document.getElementById(id);
const el = (tag, cls, text) => { const n = document.createElement(tag); if (cls) n.className = cls; if (text != null) n.textContent = text; return n; };
const fmt = (n) => Number(n || 0).toLocaleString('en-US');
const plural = (n, w) => fmt(n) + ' ' + w + (n === 1 ? '' : 's');
const pct = (a, b) => b ? (100 * a / b).toFixed(1) + '%' : '0%';
const STATE = { stages: new Set(META.stages.map((_, i) => i)), rule: -1, hide: false, search: '', sort: 'removed', ruleSort: 'chars_removed', listPage: 0, page: -1, cur: -1 };
const PER_LIST_PAGE = 50;
let INDEX = [], SHOWN = [];
const CHUNKS = new Map();
const EDIT_OF = new WeakMap();

async function unpack(id) {
  const b64 = document.getElementById(id).textContent;
  const bin = atob(b64); const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return JSON.parse(await new Response(stream).text());
}
function chunk(i) { if (!CHUNKS.has(i)) CHUNKS.set(i, unpack('chunk-' + i)); return CHUNKS.get(i); }
function visible(s) { if (!s.trim()) s = s.replace(/ /g, '·'); return s.replace(/\t/g, '⇥').replace(/\u00a0/g, '⍽').replace(/\r/g, '␍').replace(/\n/g, '↵\n'); }
function matchesRule(ri) { return (STATE.rule < 0 || STATE.rule === ri) && STATE.stages.has(META.rules[ri].stage_ix); }
function matches(e) { return STATE.stages.has(e[3]) && (STATE.rule < 0 || STATE.rule === e[4]); }
function filterActive() { return STATE.rule >= 0 || STATE.stages.size !== META.stages.length; }

// ---- filters ------------------------------------------------------------------------
function buildFilters() {
  const chips = $('stage-chips');
  META.stages.forEach((s, i) => {
    const b = el('button', 'chip st-' + i); b.type = 'button'; b.dataset.stage = s.id; b.setAttribute('aria-pressed', 'true');
    b.title = 'Show or hide ' + s.id + ' edits'; b.append(el('span', 'sw'), document.createTextNode(s.id + ' ' + fmt(s.edits)));
    b.addEventListener('click', () => { STATE.stages.has(i) ? STATE.stages.delete(i) : STATE.stages.add(i); refresh(); });
    chips.append(b);
  });
  const sel = $('rule-select');
  META.stages.forEach((s, si) => {
    const g = el('optgroup'); g.label = s.id;
    META.rules.forEach((r, ri) => { if (r.stage_ix === si) { const o = el('option', null, r.id + ' (' + fmt(r.edits) + ')'); o.value = ri; g.append(o); } });
    if (g.children.length) sel.append(g);
  });
  sel.addEventListener('change', () => { STATE.rule = sel.value === '' ? -1 : Number(sel.value); refresh(); });
  $('hide-removed').addEventListener('change', (ev) => { STATE.hide = ev.target.checked; document.body.classList.toggle('hide-removed', STATE.hide); });
  $('reset-filters').addEventListener('click', () => { STATE.stages = new Set(META.stages.map((_, i) => i)); STATE.rule = -1; refresh(); });
}
function syncFilters() {
  document.querySelectorAll('#stage-chips .chip').forEach((b, i) => b.setAttribute('aria-pressed', STATE.stages.has(i) ? 'true' : 'false'));
  $('rule-select').value = STATE.rule < 0 ? '' : String(STATE.rule);
}
function refresh() { syncFilters(); STATE.listPage = 0; rank(); route(); }

// ---- ranking ------------------------------------------------------------------------
function pageScore(row) {
  let edits = 0, removed = 0; const byStage = {};
  for (const [ri, n, rem] of row[6]) { if (!matchesRule(ri)) continue; edits += n; removed += rem; const si = META.rules[ri].stage_ix; byStage[si] = (byStage[si] || 0) + rem; }
  return { edits, removed, byStage };
}
function rank() {
  const q = STATE.search.toLowerCase(); const active = filterActive();
  const rows = [];
  INDEX.forEach((row, i) => {
    if (q && !row[0].toLowerCase().includes(q)) return;
    const s = pageScore(row);
    if (active && !s.edits) return;
    rows.push({ i, ...s, share: row[1] ? s.removed / row[1] : 0 });
  });
  const key = STATE.sort;
  rows.sort((a, b) => (b[key] - a[key]) || (b.removed - a.removed) || (b.edits - a.edits) || (INDEX[a.i][0] < INDEX[b.i][0] ? -1 : 1));
  SHOWN = rows;
}

// ---- overview -----------------------------------------------------------------------
function renderOverview() {
  const cards = $('cards'); cards.textContent = '';
  const changed = INDEX.filter((r) => r[3] > 0).length;
  for (const [label, value, extra] of [['pages', fmt(INDEX.length)], ['pages changed', fmt(changed)], ['characters in', fmt(META.raw_chars)],
    ['characters removed', fmt(META.removed), pct(META.removed, META.raw_chars)], ['edits', fmt(META.edits)], ['rules fired', fmt(META.rules.length)]]) {
    const c = el('div', 'card'); const b = el('b', null, value); if (extra) b.append(el('small', null, extra)); c.append(b, el('span', null, label)); cards.append(c);
  }
  const bar = $('stagebar'); bar.textContent = '';
  const totalRemoved = META.stages.reduce((a, s) => a + (s.chars_removed || 0), 0);
  bar.setAttribute('aria-label', META.stages.map((s) => s.id + ' ' + fmt(s.chars_removed)).join(', '));
  META.stages.forEach((s, i) => { if (!s.chars_removed) return; const d = el('div', 'st-' + i); d.style.width = (100 * s.chars_removed / totalRemoved) + '%'; d.title = s.id + ': ' + fmt(s.chars_removed); if (!STATE.stages.has(i)) d.style.opacity = .25; bar.append(d); });
  const t = $('stagetable'); t.textContent = '';
  const hr = el('tr'); for (const h of ['stage', 'edits', 'removed', 'added', 'pages']) { const th = el('th', h === 'stage' ? '' : 'n', h); hr.append(th); } t.append(hr);
  META.stages.forEach((s, i) => {
    const tr = el('tr', 'st-' + i); const td = el('td'); td.append(el('span', 'sw'), document.createTextNode(s.id)); tr.append(td);
    for (const k of ['edits', 'chars_removed', 'chars_added', 'pages']) tr.append(el('td', 'n', fmt(s[k])));
    if (!STATE.stages.has(i)) tr.style.opacity = .4; t.append(tr);
  });
  const chart = $('rulechart'); chart.textContent = '';
  const rules = META.rules.map((r, i) => ({ ...r, i })).filter((r) => STATE.stages.has(r.stage_ix))
    .sort((a, b) => (b[STATE.ruleSort] - a[STATE.ruleSort]) || (b.chars_removed - a.chars_removed) || (b.edits - a.edits) || (a.id < b.id ? -1 : 1)).slice(0, 15);
  const max = Math.max(1, ...rules.map((r) => r[STATE.ruleSort]));
  for (const r of rules) {
    const b = el('button', 'rl st-' + r.stage_ix, r.id); b.type = 'button'; b.title = 'Show only ' + r.id; b.dataset.rule = r.id;
    b.setAttribute('aria-current', STATE.rule === r.i ? 'true' : 'false');
    b.addEventListener('click', () => { STATE.rule = STATE.rule === r.i ? -1 : r.i; refresh(); });
    const wrap = el('div'); const bb = el('div', 'bar st-' + r.stage_ix); bb.style.width = (100 * r[STATE.ruleSort] / max) + '%'; wrap.append(bb);
    chart.append(b, wrap, el('span', 'num', plural(r.chars_removed, 'char') + ' · ' + plural(r.edits, 'edit') + ' · ' + plural(r.pages, 'page')));
  }
  if (!rules.length) chart.append(el('p', 'empty', 'No rule fired in the stages shown.'));
  renderPageTable();
  const never = $('never'); never.textContent = '';
  if (META.never_fired.length) { const p = el('p', null, META.never_fired.join(', ')); p.style.fontFamily = 'var(--mono)'; p.style.fontSize = '12px'; never.append(p); }
  else never.append(el('p', 'empty', 'Every rule fired at least once.'));
  if (META.problems.length) { $('problems-panel').hidden = false; const ul = $('problems'); ul.textContent = ''; for (const p of META.problems) ul.append(el('li', null, p)); }
}
function renderPageTable() {
  const tb = document.querySelector('#pagetable tbody'); tb.textContent = '';
  const pages = Math.max(1, Math.ceil(SHOWN.length / PER_LIST_PAGE));
  STATE.listPage = Math.min(STATE.listPage, pages - 1);
  const from = STATE.listPage * PER_LIST_PAGE;
  SHOWN.slice(from, from + PER_LIST_PAGE).forEach((r, k) => {
    const row = INDEX[r.i]; const tr = el('tr'); tr.dataset.page = row[0];
    tr.append(el('td', 'n', String(from + k + 1)));
    const td = el('td', 'name'); const a = el('a', null, row[0]); a.href = '#page=' + r.i; td.append(a); tr.append(td);
    tr.append(el('td', 'n', fmt(r.removed)));
    const shTd = el('td'); const sh = el('div', 'sharecell'); shTd.append(sh); const mini = el('div', 'mini'); mini.title = pct(r.removed, row[1]) + ' of the page removed';
    for (const si of Object.keys(r.byStage).sort((a, b) => a - b)) { const d = el('div', 'st-' + si); d.style.width = (100 * r.byStage[si] / Math.max(1, row[1])) + '%'; mini.append(d); }
    sh.append(mini); sh.append(el('span', 'muted', ' ' + pct(r.removed, row[1]))); tr.append(shTd);
    tr.append(el('td', 'n', fmt(r.edits)), el('td', 'n', fmt(row[1])));
    tb.append(tr);
  });
  document.querySelectorAll('#pagetable th[data-sort]').forEach((th) => { if (th.dataset.sort === STATE.sort) th.setAttribute('aria-sort', 'descending'); else th.removeAttribute('aria-sort'); });
  $('page-count').textContent = fmt(SHOWN.length) + (SHOWN.length === INDEX.length ? ' pages' : ' of ' + fmt(INDEX.length) + ' pages match');
  const pager = $('pager'); pager.textContent = '';
  if (pages > 1) {
    const mk = (label, to, dis) => { const b = el('button', null, label); b.type = 'button'; b.disabled = dis; b.addEventListener('click', () => { STATE.listPage = to; renderPageTable(); }); return b; };
    pager.append(mk('« first', 0, STATE.listPage === 0), mk('‹ prev', STATE.listPage - 1, STATE.listPage === 0),
      el('span', 'muted', 'page ' + (STATE.listPage + 1) + ' of ' + pages), mk('next ›', STATE.listPage + 1, STATE.listPage >= pages - 1), mk('last »', pages - 1, STATE.listPage >= pages - 1));
  }
}

// ---- one page -----------------------------------------------------------------------
let EDITS = [];
function renderSpan(raw, start, end, edits, inside, parent, depth, outer) {
  let pos = start;
  for (const e of edits) {
    const a = Math.max(e[0], pos), b = Math.min(Math.max(e[1], e[0]), end);
    if (a > pos) parent.append(inside ? visible(raw.slice(pos, a)) : raw.slice(pos, a));
    renderEdit(raw, e, inside, parent, depth, outer);
    pos = Math.max(pos, b);
  }
  if (pos < end) parent.append(inside ? visible(raw.slice(pos, end)) : raw.slice(pos, end));
}
function renderEdit(raw, e, inside, parent, depth, outer) {
  if (!matches(e)) { renderSpan(raw, e[0], e[1], e[6], inside, parent, depth + 1, outer); return; }
  const before = raw.slice(e[0], e[1]), after = e[2];
  const kind = before && after ? 'rep' : before ? 'del' : 'ins';
  const s = el('span', 'e ' + kind + ' st-' + e[3]);
  s.tabIndex = 0; s.dataset.stage = META.stages[e[3]].id; s.dataset.rule = META.rules[e[4]].id; s.dataset.depth = depth;
  s.setAttribute('aria-describedby', 'tip');
  const info = { e, raw, outer, depth, el: s }; EDIT_OF.set(s, info); EDITS.push(info);
  if (before) { const d = el('del'); renderSpan(raw, e[0], e[1], e[6], true, d, depth + 1, e); s.append(d); }
  if (before && after) s.append(el('span', 'arr', '→'));
  if (after) s.append(el('ins', null, visible(after)));
  parent.append(s);
}
// ---- review decisions: "keep this" on an edit, "remove this" on kept lines, exported as rules ---------------
const DECISIONS = [];
function siteOf() { return CURRENT ? CURRENT.s : ''; }
let CURRENT = null;
function decisionKey(d) { return d.kind + '\u0000' + d.text + '\u0000' + d.site; }
function addDecision(d) {
  const k = decisionKey(d), at = DECISIONS.findIndex((x) => decisionKey(x) === k);
  if (at >= 0) DECISIONS.splice(at, 1); else DECISIONS.push(d);
  $('decisions').textContent = DECISIONS.length ? plural(DECISIONS.filter((x) => x.kind === 'keep').length, 'edit') + ' to keep · ' +
    plural(DECISIONS.filter((x) => x.kind === 'remove').length, 'line') + ' to remove' : 'no decisions yet';
  $('export').disabled = !DECISIONS.length;
  return at < 0;
}
function markKeep() {
  const x = EDITS[STATE.cur]; if (!x) return;
  const text = x.raw.slice(x.e[0], x.e[1]).trim(); if (!text) return;
  const on = addDecision({ kind: 'keep', text, stage: META.stages[x.e[3]].id, rule: META.rules[x.e[4]].id, site: siteOf(), page: INDEX[STATE.page][0] });
  x.el.classList.toggle('marked-keep', on);
}
function markRemove() {
  const sel = window.getSelection(); const chosen = sel ? sel.toString() : '';
  for (const line of chosen.split('\n')) {
    const text = line.trim(); if (!text || /[↵⇥⍽·]/.test(text)) continue;
    addDecision({ kind: 'remove', text, stage: 'chrome', site: siteOf(), page: INDEX[STATE.page][0] });
  }
  if (sel) sel.removeAllRanges();
}
const yq = (s) => JSON.stringify(s);  // a JSON string is a YAML double-quoted scalar
function reEscape(s) { return s.replace(/[.*+?^${}()|[\]\\\/-]/g, '\\$&').replace(/ /g, ' '); }
function decisionsYaml() {
  const out = ['# Review decisions exported from the cleaner report of ' + META.outdir + ' (' + META.generated + ').',
    '# Check: cleaner rules test FILE    Apply: cleaner run ... --add-rules FILE', ''];
  DECISIONS.forEach((d, n) => {
    const scope = d.site ? ['  sites: [' + yq(d.site.replace(/[[\]*?]/g, (c) => '[' + c + ']')) + ']'] : [];
    if (d.kind === 'keep') {
      out.push('- id: review.keep-' + (n + 1), '  type: keep', '  stage: ' + d.stage, '  text: ' + yq(d.text), '  rules: [' + yq(d.rule) + ']',
        ...scope, '  reason: ' + yq('marked "keep this" in the report (' + d.page + ')'), '  examples:', '    keep: [' + yq(d.text) + ']', '');
    } else {
      out.push('- id: review.remove-' + (n + 1), '  type: line', '  stage: ' + d.stage, '  regex: ' + yq(reEscape(d.text)),
        ...scope, '  reason: ' + yq('marked "remove this" in the report (' + d.page + ')'), '  examples:', '    remove: [' + yq(d.text) + ']', '');
    }
  });
  return out.join('\n');
}
function exportDecisions() {
  const yaml = decisionsYaml();
  $('export-yaml').value = yaml;
  const link = $('export-link');
  if (link.href) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([yaml], { type: 'text/yaml' }));
  $('export-dialog').showModal();
}

function countAll(edits) { let n = 0; for (const e of edits) n += 1 + countAll(e[6]); return n; }
async function renderPage(i) {
  const row = INDEX[i]; if (!row) { location.hash = ''; return; }
  const data = (await chunk(row[4]))[row[5]];
  if (STATE.page !== i) return;
  CURRENT = data;
  EDITS = []; STATE.cur = -1;
  const pre = $('text'); pre.textContent = '';
  renderSpan(data.r, 0, data.r.length, data.e, false, pre, 0, null);
  pre.dataset.page = row[0]; pre.dataset.shown = EDITS.length; pre.dataset.total = countAll(data.e);
  $('pagename').textContent = row[0];
  const s = pageScore(row);
  $('pagestats').textContent = fmt(EDITS.length) + (filterActive() ? ' of ' + fmt(pre.dataset.total) : '') + ' edits · ' + fmt(s.removed) + ' of ' + fmt(row[1]) + ' characters removed (' + pct(s.removed, row[1]) + ')';
  const k = SHOWN.findIndex((r) => r.i === i);
  $('pos').textContent = k >= 0 ? (k + 1) + ' / ' + fmt(SHOWN.length) : 'not in the filtered list';
  $('prev').disabled = k === 0 || !SHOWN.length; $('next').disabled = (k >= 0 && k === SHOWN.length - 1) || !SHOWN.length;
  const legend = $('legend'); legend.textContent = '';
  const used = new Set(); EDITS.forEach((x) => used.add(x.e[3]));
  META.stages.forEach((st, si) => { if (!used.has(si)) return; const sp = el('span', 'st-' + si); sp.append(el('span', 'sw'), document.createTextNode(st.id)); legend.append(sp); });
  legend.append(el('span', 'muted', 'struck = removed · bold = inserted · old→new = replaced · hover or focus an edit for its rule and reason'));
  $('edittable').textContent = '';
  if ($('edit-list').open) renderEditTable();
  const note = $('filter-note'); note.hidden = !filterActive();
  if (filterActive()) {
    note.textContent = 'Filtered: showing only ' + (STATE.rule >= 0 ? 'rule ' + META.rules[STATE.rule].id : 'stages ' + META.stages.filter((_, si) => STATE.stages.has(si)).map((s) => s.id).join(', ')) + ' · ';
    const b = el('button', null, 'show every edit'); b.type = 'button'; b.addEventListener('click', () => { STATE.stages = new Set(META.stages.map((_, k) => k)); STATE.rule = -1; refresh(); });
    note.append(b);
  }
  for (const x of EDITS) if (DECISIONS.some((d) => d.kind === 'keep' && d.page === row[0] && d.rule === META.rules[x.e[4]].id && d.text === x.raw.slice(x.e[0], x.e[1]).trim())) x.el.classList.add('marked-keep');
  document.body.dataset.view = 'page'; pre.dataset.renders = String(Number(pre.dataset.renders || 0) + 1);
}
function renderEditTable() {
  const tb = $('edittable'); tb.textContent = '';
  const hr = el('tr'); for (const h of ['#', 'stage', 'rule', 'change', 'reason']) hr.append(el('th', null, h)); tb.append(hr);
  EDITS.forEach((x, n) => {
    const tr = el('tr', 'st-' + x.e[3]); tr.dataset.rule = META.rules[x.e[4]].id;
    tr.append(el('td', 'n', String(n + 1)));
    const st = el('td'); st.append(el('span', 'sw'), document.createTextNode(META.stages[x.e[3]].id)); tr.append(st);
    tr.append(el('td', 'rule', (x.depth ? '↳ ' : '') + META.rules[x.e[4]].id));
    const chg = el('td', 'chg'); changeInto(chg, x, 160); tr.append(chg);
    tr.append(el('td', null, x.e[5] + (x.outer ? ' (absorbed by ' + META.rules[x.outer[4]].id + ')' : '')));
    tr.addEventListener('click', () => gotoEdit(n));
    tb.append(tr);
  });
}
function clip(s, n) { return s.length > n ? s.slice(0, n) + '…' : s; }
function changeInto(node, x, n) {
  const before = x.raw.slice(x.e[0], x.e[1]), after = x.e[2];
  if (before) node.append(el('del', null, clip(visible(before), n)));
  if (before && after) node.append(' → ');
  if (after) node.append(el('ins', null, clip(visible(after), n)));
}
function gotoEdit(n) {
  if (!EDITS.length) return;
  n = (n + EDITS.length) % EDITS.length;
  if (STATE.cur >= 0 && EDITS[STATE.cur]) EDITS[STATE.cur].el.classList.remove('cur');
  STATE.cur = n; const t = EDITS[n].el; t.classList.add('cur');
  t.scrollIntoView({ block: 'center' }); t.focus({ preventScroll: true });
}

// ---- tooltip ------------------------------------------------------------------------
const tip = $('tip');
function showTip(target) {
  const x = EDIT_OF.get(target); if (!x) return;
  TIP_TARGET = target;
  tip.textContent = ''; tip.className = 'st-' + x.e[3];
  const h = el('div'); h.append(el('span', 'stage', META.stages[x.e[3]].id), el('span', 'rule', META.rules[x.e[4]].id)); tip.append(h);
  tip.append(el('div', 'why', x.e[5] || '(no reason given)'));
  const chg = el('div', 'chg'); changeInto(chg, x, 400); tip.append(chg);
  if (x.e[7]) for (const [k, v] of Object.entries(x.e[7])) tip.append(el('div', 'detail', k.replace(/_/g, ' ') + ': ' + (typeof v === 'object' ? JSON.stringify(v) : String(v))));
  if (x.outer) tip.append(el('div', 'nest', 'later covered by ' + META.rules[x.outer[4]].id + ' (' + META.stages[x.outer[3]].id + ')'));
  const n = countAll(x.e[6]); if (n) tip.append(el('div', 'nest', 'covers ' + n + ' earlier edit' + (n > 1 ? 's' : '') + ', shown inside it'));
  tip.hidden = false;
  const r = target.getClientRects()[0] || target.getBoundingClientRect();
  const w = tip.offsetWidth, hgt = tip.offsetHeight;
  const box = target.getBoundingClientRect();
  let left, top;
  if (box.right + w + 16 < window.innerWidth) { left = box.right + 12; top = Math.min(Math.max(8, box.top - 4), window.innerHeight - hgt - 8); }
  else {
    left = Math.min(Math.max(8, r.left), window.innerWidth - w - 8); top = r.bottom + 6;
    if (top + hgt > window.innerHeight - 8) top = Math.max(8, r.top - hgt - 6);
  }
  tip.style.left = left + 'px'; tip.style.top = top + 'px';
}
let TIP_TARGET = null;
function hideTip() { tip.hidden = true; TIP_TARGET = null; }
document.addEventListener('mouseover', (ev) => {
  const t = ev.target.closest && ev.target.closest('.e');
  if (t) showTip(t); else if (document.activeElement && EDIT_OF.has(document.activeElement)) showTip(document.activeElement); else hideTip();
});
document.addEventListener('focusin', (ev) => { const t = ev.target.closest && ev.target.closest('.e'); if (t) { showTip(t); const k = EDITS.findIndex((x) => x.el === t); if (k >= 0) STATE.cur = k; } else hideTip(); });
// scrolling keeps the tooltip of the focused edit (stepping from edit to edit scrolls), and drops a hover one
window.addEventListener('scroll', () => { if (TIP_TARGET && TIP_TARGET === document.activeElement) showTip(TIP_TARGET); else hideTip(); }, { passive: true });

// ---- routing and keys ---------------------------------------------------------------
function go(delta) {
  if (!SHOWN.length) return;
  const k = SHOWN.findIndex((r) => r.i === STATE.page);
  const to = k < 0 ? 0 : k + delta;
  if (to >= 0 && to < SHOWN.length) location.hash = 'page=' + SHOWN[to].i;
}
function route() {
  hideTip();
  const m = /^#page=(\d+)$/.exec(location.hash);
  $('loading').hidden = true;
  if (m && INDEX[Number(m[1])]) {
    STATE.page = Number(m[1]); $('overview').hidden = true; $('pageview').hidden = false;
    document.title = INDEX[STATE.page][0] + ' · ' + META.title;
    renderPage(STATE.page);
  } else {
    STATE.page = -1; $('pageview').hidden = true; $('overview').hidden = false; document.title = META.title;
    renderOverview(); document.body.dataset.view = 'overview';
  }
}
document.addEventListener('keydown', (ev) => {
  if (ev.target.matches && ev.target.matches('input,select,textarea') || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (STATE.page < 0) return;
  if (ev.key === 'j') go(1); else if (ev.key === 'k') go(-1);
  else if (ev.key === '.') gotoEdit(STATE.cur + 1); else if (ev.key === ',') gotoEdit(STATE.cur - 1);
  else if (ev.key === 'Escape') location.hash = '';
  else if (ev.key === 'x') markKeep(); else if (ev.key === 'r') markRemove();
});

async function start() {
  $('title').textContent = META.title;
  $('runinfo').textContent = fmt(META.raw_chars) + ' characters in ' + fmt(META.edits) + ' edits over ' + META.chunks + ' chunk(s) · generated ' + META.generated + ' by cleaner ' + META.version;
  buildFilters();
  INDEX = await unpack('index');
  $('runinfo').textContent = fmt(INDEX.length) + ' pages · ' + fmt(META.edits) + ' edits · ' + pct(META.removed, META.raw_chars) + ' of characters removed · generated ' + META.generated + ' by cleaner ' + META.version;
  rank();
  $('back').addEventListener('click', () => { location.hash = ''; });
  $('prev').addEventListener('click', () => go(-1));
  $('next').addEventListener('click', () => go(1));
  $('prev-edit').addEventListener('click', () => gotoEdit(STATE.cur - 1));
  $('next-edit').addEventListener('click', () => gotoEdit(STATE.cur + 1));
  $('mark-keep').addEventListener('mousedown', (ev) => ev.preventDefault());  // keep the focused edit focused
  $('mark-keep').addEventListener('click', markKeep);
  $('mark-remove').addEventListener('mousedown', (ev) => ev.preventDefault());  // keep the selection
  $('mark-remove').addEventListener('click', markRemove);
  $('export').addEventListener('click', exportDecisions);
  $('export-close').addEventListener('click', () => $('export-dialog').close());
  $('page-search').addEventListener('input', (ev) => { STATE.search = ev.target.value; STATE.listPage = 0; rank(); renderPageTable(); });
  document.querySelectorAll('#pagetable th[data-sort] button').forEach((b) => b.addEventListener('click', () => { STATE.sort = b.parentElement.dataset.sort; rank(); renderPageTable(); }));
  $('edit-list').addEventListener('toggle', () => { if ($('edit-list').open && !$('edittable').children.length) renderEditTable(); });
  $('rule-sort').addEventListener('change', (ev) => { STATE.ruleSort = ev.target.value; renderOverview(); });
  window.addEventListener('hashchange', route);
  route();
  document.body.dataset.ready = '1';
}
start().catch((err) => { $('loading').textContent = 'This report could not be opened: ' + err + ' (it needs a current browser: DecompressionStream).'; });
"""
