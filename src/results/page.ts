// The experiments page: static HTML whose script reads experiments.json (same origin) and draws
// the arms table, the comparisons and the charts as inline SVG — no CDN, no build step, as the
// sweep report does. Values reach the DOM only through textContent and SVG attributes.
const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1d1d1f;max-width:80rem}
h1{font-size:1.25rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:2rem 0 .25rem}h3{font-size:.95rem;margin:1rem 0 .25rem}
p.note{color:#666;margin:.25rem 0 1rem}
table{border-collapse:collapse;margin:.5rem 0}
th,td{text-align:right;padding:.3rem .6rem;border-bottom:1px solid #e5e5e5;white-space:nowrap}
th:first-child,td:first-child{text-align:left}
table.versus th:nth-child(-n+3),table.versus td:nth-child(-n+3){text-align:left}
th{font-weight:600;background:#fafafa}
.better{color:#080;font-weight:600}.worse{color:#c00;font-weight:600}.same{color:#888}
.charts{display:flex;flex-wrap:wrap;gap:1rem}
figure{margin:0;border:1px solid #eee;padding:.5rem}figcaption{font-size:.85rem;color:#444}
svg text{font:11px system-ui,sans-serif;fill:#444}
`;

const SCRIPT = `
const NS = 'http://www.w3.org/2000/svg';
const main = document.getElementById('experiments');
const state = document.getElementById('state');
const all = new URLSearchParams(location.search).get('all') === 'true';
function el(parent, tag, text, cls) { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; parent.appendChild(e); return e; }
function svg(parent, tag, attrs) { const e = document.createElementNS(NS, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v)); parent.appendChild(e); return e; }
function fmt(value, digits) { return value === null || value === undefined ? '—' : Number(value).toLocaleString('en-US', { maximumFractionDigits: digits === undefined ? 3 : digits }); }
function pct(value) { return value === null || value === undefined ? '—' : (value * 100).toFixed(1) + '%'; }
const BUILT_IN = [['error_rate', 'error rate', pct], ['latency_p50_ms', 'p50 latency (ms)', (v) => fmt(v, 0)], ['ttft_p50_ms', 'p50 TTFT (ms)', (v) => fmt(v, 0)], ['output_tokens_mean', 'mean output tokens', (v) => fmt(v, 1)], ['length_rate', 'length rate', pct], ['refusal_rate', 'refusal rate', pct]];
function verdictClass(v) { return v === 'better' ? 'better' : v === 'worse' ? 'worse' : 'same'; }

// Each arm's estimate with its interval: a dot and a whisker per arm.
function estimateChart(parent, experiment, metric) {
  const fig = el(parent, 'figure'); fig.dataset.chart = 'estimate'; fig.dataset.metric = metric;
  el(fig, 'figcaption', metric + ' per arm (95% anytime-valid interval)');
  const rows = experiment.arms.map((arm) => ({ name: arm.name, e: arm.estimates[metric] })).filter((r) => r.e && r.e.estimate !== null);
  const W = 320, H = 26 * Math.max(rows.length, 1) + 24, L = 80, R = 12;
  const s = svg(fig, 'svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
  if (rows.length === 0) { const t = svg(s, 'text', { x: 8, y: 18 }); t.textContent = 'no data yet'; return; }
  const lo = Math.min(...rows.map((r) => r.e.low)), hi = Math.max(...rows.map((r) => r.e.high));
  const span = hi - lo || Math.abs(hi) || 1;
  const x = (v) => L + ((v - (lo - span * 0.05)) / (span * 1.1)) * (W - L - R);
  rows.forEach((r, i) => {
    const y = 18 + i * 26;
    const name = svg(s, 'text', { x: 4, y: y + 4 }); name.textContent = r.name;
    const g = svg(s, 'g', { 'data-arm': r.name, 'data-estimate': r.e.estimate, 'data-low': r.e.low, 'data-high': r.e.high });
    svg(g, 'line', { x1: x(r.e.low), x2: x(r.e.high), y1: y, y2: y, stroke: '#4a6fa5', 'stroke-width': 2 });
    svg(g, 'circle', { cx: x(r.e.estimate), cy: y, r: 4, fill: '#1d3f72' });
  });
  const axis = svg(s, 'text', { x: L, y: H - 4 }); axis.textContent = fmt(lo) + ' … ' + fmt(hi);
}

// The difference's interval over time (by observations): a band narrowing around the estimate, and zero.
function historyChart(parent, arm, metric, comparison) {
  const fig = el(parent, 'figure'); fig.dataset.chart = 'history'; fig.dataset.arm = arm.name; fig.dataset.metric = metric;
  el(fig, 'figcaption', arm.name + ' − control, ' + metric + ': the interval over time');
  const points = comparison.history.filter((p) => p.low !== null && p.high !== null);
  const W = 320, H = 140, L = 44, R = 8, T = 8, B = 20;
  const s = svg(fig, 'svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
  if (points.length === 0) { const t = svg(s, 'text', { x: 8, y: 18 }); t.textContent = 'not enough data yet'; return; }
  const lo = Math.min(0, ...points.map((p) => p.low)), hi = Math.max(0, ...points.map((p) => p.high));
  const span = hi - lo || 1;
  const maxN = Math.max(...points.map((p) => p.n));
  const x = (n) => L + (n / maxN) * (W - L - R);
  const y = (v) => T + (1 - (v - lo) / span) * (H - T - B);
  const band = points.map((p) => x(p.n) + ',' + y(p.high)).concat(points.slice().reverse().map((p) => x(p.n) + ',' + y(p.low))).join(' ');
  svg(s, 'polygon', { points: band, fill: '#c9d8ef', stroke: 'none', 'data-points': points.length });
  svg(s, 'polyline', { points: points.map((p) => x(p.n) + ',' + y(p.difference)).join(' '), fill: 'none', stroke: '#1d3f72', 'stroke-width': 1.5 });
  svg(s, 'line', { x1: L, x2: W - R, y1: y(0), y2: y(0), stroke: '#999', 'stroke-dasharray': '3 3' });
  const top = svg(s, 'text', { x: 2, y: T + 8 }); top.textContent = fmt(hi);
  const bottom = svg(s, 'text', { x: 2, y: H - B }); bottom.textContent = fmt(lo);
  const n = svg(s, 'text', { x: W - R - 60, y: H - 4 }); n.textContent = 'n = ' + maxN;
}

function render(data) {
  main.textContent = '';
  if (data.store === null) {
    el(main, 'p', data.message, 'note').id = 'no-store';
    return;
  }
  if (data.experiments.length === 0) el(main, 'p', 'No policy declares an experiment.', 'note');
  for (const experiment of data.experiments) {
    const section = el(main, 'section'); section.dataset.experiment = experiment.name;
    el(section, 'h2', experiment.name);
    el(section, 'p', 'policy ' + experiment.policy + ' (' + experiment.path + '), control ' + experiment.control + ', version ' + experiment.version.slice(0, 12)
      + (experiment.all_versions ? ', all versions' : '') + ' · earlier versions: ' + experiment.earlier_versions.requests + ' requests · unmatched feedback: ' + experiment.unmatched_feedback, 'note');
    const declared = Object.keys(experiment.metrics).filter((m) => experiment.metrics[m].type !== 'built-in');
    const table = el(section, 'table'); table.className = 'arms';
    const head = el(el(table, 'thead'), 'tr');
    for (const h of ['arm', 'weight', 'requests', 'forced', ...BUILT_IN.map((b) => b[1]), ...declared]) el(head, 'th', h);
    const body = el(table, 'tbody');
    for (const arm of experiment.arms) {
      const tr = el(body, 'tr'); tr.dataset.arm = arm.name;
      const cell = (field, text) => { const td = el(tr, 'td', text); td.dataset.field = field; };
      cell('name', arm.name); cell('weight', fmt(arm.weight)); cell('requests', String(arm.requests)); cell('forced', String(arm.forced));
      for (const [field, , f] of BUILT_IN) cell(field, f(arm[field]));
      for (const m of declared) { const v = arm.metrics[m]; cell('metric:' + m, v.mean === null ? '— (n 0)' : (experiment.metrics[m].type === 'boolean' ? pct(v.mean) : fmt(v.mean)) + ' (n ' + v.n + ')'); }
    }
    el(section, 'h3', 'Against the control (difference arm − control, 95% anytime-valid interval)');
    const vs = el(section, 'table'); vs.className = 'versus';
    const vh = el(el(vs, 'thead'), 'tr');
    for (const h of ['arm', 'metric', 'goal', 'difference', 'interval', 'verdict']) el(vh, 'th', h);
    const vb = el(vs, 'tbody');
    for (const arm of experiment.arms) {
      for (const [metric, c] of Object.entries(arm.versus_control)) {
        const tr = el(vb, 'tr'); tr.dataset.arm = arm.name; tr.dataset.metric = metric;
        el(tr, 'td', arm.name); el(tr, 'td', metric); el(tr, 'td', c.goal === 'max' ? 'higher is better' : 'lower is better');
        el(tr, 'td', fmt(c.difference)); el(tr, 'td', c.low === null ? '—' : '[' + fmt(c.low) + ', ' + fmt(c.high) + ']');
        const v = el(tr, 'td', c.verdict, verdictClass(c.verdict)); v.dataset.field = 'verdict';
      }
    }
    el(section, 'h3', 'Estimates per arm');
    const charts = el(section, 'div', undefined, 'charts');
    for (const metric of Object.keys(experiment.metrics)) estimateChart(charts, experiment, metric);
    el(section, 'h3', 'How the difference narrowed');
    const histories = el(section, 'div', undefined, 'charts');
    for (const arm of experiment.arms) for (const [metric, c] of Object.entries(arm.versus_control)) historyChart(histories, arm, metric, c);
  }
}

async function load() {
  try {
    const response = await fetch('experiments.json' + (all ? '?all=true' : ''), { cache: 'no-store' });
    const data = await response.json();
    if (!response.ok) { state.textContent = data.error ? data.error.message : 'error ' + response.status; return; }
    render(data);
    state.textContent = 'updated ' + new Date().toLocaleTimeString() + (all ? ' · all policy versions' : ' · current policy version (add ?all=true for all)');
    document.body.dataset.loaded = 'true';
  } catch (error) { state.textContent = 'could not load experiments.json'; }
}
load();
// Only while someone looks: a hidden tab does not make the gateway recompute.
setInterval(() => { if (document.visibilityState === 'visible') load(); }, 30000);
`;

export function experimentsPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>temperance · experiments</title><style>${STYLE}</style></head>
<body>
<h1>Experiments</h1>
<p class="note">Intervals are anytime-valid 95% confidence sequences (mixture SPRT): reloading this page as data arrives does not make a false "better" more likely. <span id="state">loading…</span></p>
<main id="experiments"></main>
<script>${SCRIPT}</script>
</body></html>`;
}
