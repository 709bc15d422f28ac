// The live trace page and the admin login form: static HTML; the page's script polls
// traces.json for records newer than the newest it has, so rows appear without a reload.
// Record values reach the DOM only through textContent, never as markup.

export const PAGE_SECURITY_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'",
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
};

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1d1d1f}
h1{font-size:1.25rem;margin:0 0 .25rem}
p.note{color:#666;margin:.25rem 0 1rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e5e5e5;vertical-align:top;white-space:nowrap}
th{font-weight:600;background:#fafafa;position:sticky;top:0}
tr.row{cursor:pointer}tr.row:hover{background:#f5f8ff}
tr.detail td{background:#fbfbfb;white-space:normal}
.changed{color:#b35900;font-weight:600}.err{color:#c00}.ok{color:#080}.muted{color:#888}
pre{margin:.25rem 0;white-space:pre-wrap}
`;

const SCRIPT = `
const body = document.getElementById('records');
const state = document.getElementById('state');
const byPolicy = document.getElementById('filter-policy');
const byArm = document.getElementById('filter-arm');
let latest = 0;
const open = new Set();
const seen = { policy: new Set(), arm: new Set() };
function offer(select, kind, value) {
  if (!value || seen[kind].has(value)) return;
  seen[kind].add(value);
  const option = document.createElement('option'); option.value = value; option.textContent = value; select.appendChild(option);
}
// A row is shown when it matches both filters; its open detail row follows it.
function matches(tr) {
  return (byPolicy.value === '' || tr.dataset.policy === byPolicy.value) && (byArm.value === '' || tr.dataset.arm === byArm.value);
}
function applyFilters() {
  for (const tr of body.querySelectorAll('tr.row')) {
    const hidden = !matches(tr);
    tr.hidden = hidden;
    const next = tr.nextElementSibling;
    if (next && next.dataset.detailFor === tr.dataset.id) next.hidden = hidden;
  }
}
byPolicy.addEventListener('change', applyFilters);
byArm.addEventListener('change', applyFilters);
function cell(row, text, cls) { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; row.appendChild(td); return td; }
function show(value) { return value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value); }
function change(values) {
  if (!values) return ['—', ''];
  const a = show(values.requested), b = show(values.applied);
  return a === b ? [b, ''] : [a + ' → ' + b, 'changed'];
}
function ms(value) { return value === undefined ? '—' : Math.round(value) + ' ms'; }
function detail(record) {
  const tr = document.createElement('tr'); tr.className = 'detail'; tr.dataset.detailFor = record.id;
  const td = document.createElement('td'); td.colSpan = 14; tr.appendChild(td);
  const h = document.createElement('strong'); h.textContent = 'Decisions'; td.appendChild(h);
  const list = document.createElement('ul');
  if (record.decisions.length === 0) { const li = document.createElement('li'); li.textContent = 'none: the request went upstream as sent'; list.appendChild(li); }
  for (const d of record.decisions) {
    const li = document.createElement('li');
    // A system decision's requested side is a count of client messages: its reason says it better.
    li.textContent = d.param === 'system'
      ? 'system message (' + show(d.applied) + '): ' + (d.reason || '')
      : d.param + ': ' + show(d.requested) + ' → ' + show(d.applied) + ' (' + d.rule + (d.reason ? ': ' + d.reason : '') + ')';
    list.appendChild(li);
  }
  td.appendChild(list);
  if (record.system) {
    const s = document.createElement('div');
    s.textContent = 'Canonical ' + record.system.role + ' message (' + record.system.mode + ', ' + (record.system.injected ? 'injected' : 'already present or not needed') + '):';
    const pre = document.createElement('pre'); pre.textContent = record.system.text; s.appendChild(pre); td.appendChild(s);
  }
  const facts = document.createElement('pre');
  facts.textContent = JSON.stringify({ id: record.id, traceId: record.traceId, path: record.path, experiment: record.experiment, response: record.response, usage: record.usage, usageAdded: record.usageAdded, errorType: record.errorType }, null, 2);
  td.appendChild(facts);
  return tr;
}
function row(record) {
  const tr = document.createElement('tr'); tr.className = 'row'; tr.dataset.id = record.id;
  cell(tr, new Date(record.startedAt).toLocaleTimeString());
  cell(tr, record.route + (record.stream ? ' (stream)' : ''));
  const model = record.requestedModel === record.model || record.model === undefined ? show(record.requestedModel) : record.requestedModel + ' → ' + record.model;
  cell(tr, model);
  cell(tr, record.policy ?? '—', record.policy ? '' : 'muted');
  const x = record.experiment;
  cell(tr, x ? x.name + ': ' + x.arm + (x.forced ? ' (forced)' : '') : '—', x ? '' : 'muted').dataset.col = 'arm';
  tr.dataset.policy = record.policy ?? '';
  // "experiment: arm": two experiments may both have an arm called control.
  tr.dataset.arm = x ? x.name + ': ' + x.arm : '';
  offer(byPolicy, 'policy', record.policy);
  if (x) offer(byArm, 'arm', x.name + ': ' + x.arm);
  tr.hidden = !matches(tr);
  cell(tr, (record.upstreamName || '—') + ' (' + record.upstream + ')').dataset.col = 'upstream';
  const [t, tc] = change(record.parameters.temperature); cell(tr, t, tc).dataset.col = 'temperature';
  const [p, pc] = change(record.parameters.top_p); cell(tr, p, pc).dataset.col = 'top_p';
  cell(tr, record.system ? (record.system.injected ? 'injected (' + record.system.mode + ')' : 'present') : '—', record.system && record.system.injected ? 'changed' : 'muted');
  cell(tr, String(record.status || 'closed') + (record.errorType ? ' ' + record.errorType : ''), record.errorType ? 'err' : 'ok').dataset.col = 'status';
  cell(tr, ms(record.durationMs));
  cell(tr, ms(record.timeToFirstTokenMs));
  const u = record.usage; cell(tr, u ? show(u.inputTokens) + ' / ' + show(u.outputTokens) : '—');
  cell(tr, String(record.decisions.length));
  tr.addEventListener('click', () => {
    const next = tr.nextElementSibling;
    if (next && next.dataset.detailFor === record.id) { next.remove(); open.delete(record.id); }
    else { tr.after(detail(record)); open.add(record.id); }
  });
  return tr;
}
async function poll() {
  try {
    const response = await fetch('traces.json?since=' + latest, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (!response.ok) { state.textContent = 'not updating: HTTP ' + response.status; return; }
    const records = await response.json();
    for (const record of records.slice().reverse()) {
      body.prepend(row(record));
      latest = Math.max(latest, record.seq);
    }
    state.textContent = 'live, updated ' + new Date().toLocaleTimeString();
  } catch (error) {
    state.textContent = 'not updating: ' + error;
  } finally {
    setTimeout(poll, 1000);
  }
}
poll();
`;

export function tracePage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>temperance · traces</title><style>${STYLE}</style></head>
<body><h1>temperance · recent requests</h1>
<p class="note">Newest first, from this gateway's memory (on Workers: this isolate's). Click a row for its decisions. <span id="state">loading…</span></p>
<p class="note"><label>policy <select id="filter-policy"><option value="">all</option></select></label> <label>arm <select id="filter-arm"><option value="">all</option></select></label></p>
<table><thead><tr><th>time</th><th>route</th><th>model</th><th>policy</th><th>arm</th><th>upstream</th><th>temperature</th><th>top_p</th><th>system message</th><th>status</th><th>latency</th><th>first token</th><th>tokens in / out</th><th>decisions</th></tr></thead>
<tbody id="records"></tbody></table>
<script>${SCRIPT}</script></body></html>`;
}

export function loginPage(wrong: boolean, retryAfterSeconds?: number): string {
  const notice = retryAfterSeconds !== undefined
    ? `<p class="err">Too many wrong keys from this address: try again in ${retryAfterSeconds} s.</p>`
    : wrong ? '<p class="err">That is not the key.</p>' : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>temperance · sign in</title><style>${STYLE}</style></head>
<body><h1>temperance</h1><p class="note">This gateway's pages need its ADMIN_API_KEY.</p>
${notice}
<form method="post" action="/_temperance/login"><label>Admin key <input type="password" name="key" autocomplete="current-password" autofocus></label> <button type="submit">Open</button></form></body></html>`;
}
