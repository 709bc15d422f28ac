// The sweep report: one self-contained HTML file (inline CSS and SVG, no script, no network)
// with the suggestion, a chart of each score against temperature, the scores table and the
// outputs of every prompt side by side.
import { lineChart, type ChartSeries } from './chart.ts';
import { escapeHtml } from './html.ts';
import type { Prompt } from './prompts.ts';
import type { SweepResult } from './results-file.ts';
import { isEmptyOrRefusal, SCORE_LABELS, type ScoreName, type SettingScores } from './scores.ts';
import { settingLabel, type Setting } from './settings.ts';
import type { Suggestion } from './suggest.ts';

export type SweepReport = {
  model: string;
  policy: string | null;
  system: string | null;
  baseUrl: string;
  promptsFile: string;
  samples: number;
  settings: Setting[];
  prompts: Prompt[];
  results: SweepResult[];
  scores: SettingScores[];
  suggestion: Suggestion;
  warnings: string[];
  generatedAt: string;
};

const RATE_SCORES: ReadonlySet<ScoreName> = new Set(['emptyOrRefusal', 'jsonValid', 'errors']);

function cellKey(prompt: number, setting: Setting, sample: number): string {
  return `${prompt}|${setting.temperature}|${setting.top_p ?? ''}|${sample}`;
}

/** The scores worth a chart: those measured at some setting (JSON validity only when asked). */
function chartedScores(scores: readonly SettingScores[]): ScoreName[] {
  const names: ScoreName[] = ['agreement', 'consistency', 'length', 'emptyOrRefusal', 'jsonValid'];
  if (scores.some((entry) => entry.scores.errors > 0)) names.push('errors');
  return names.filter((name) => scores.some((entry) => entry.scores[name] !== null));
}

function charts(report: SweepReport): string {
  const topPs = [...new Set(report.settings.map((setting) => setting.top_p))];
  const markers = report.suggestion.ok
    ? [{ x: report.suggestion.temperature.default, label: 'default' }, ...(report.suggestion.temperature.max === report.suggestion.temperature.default ? [] : [{ x: report.suggestion.temperature.max, label: 'max' }])]
    : [];
  return chartedScores(report.scores).map((name) => {
    const series: ChartSeries[] = topPs.map((topP) => ({
      name: topP === null ? 'default top_p' : `top_p ${topP}`,
      points: report.scores
        .filter((entry) => entry.setting.top_p === topP)
        .map((entry) => ({ x: entry.setting.temperature, y: entry.scores[name], label: settingLabel(entry.setting) })),
    }));
    return lineChart({ id: name, title: SCORE_LABELS[name], series, yMax: name === 'length' ? 'auto' : 1, percent: RATE_SCORES.has(name), markers });
  }).join('\n');
}

function scoreCell(value: number | null, percent: boolean): string {
  if (value === null) return '<td class="na">–</td>';
  return `<td>${percent ? `${Math.round(value * 100)}%` : value.toFixed(value >= 10 ? 1 : 2)}</td>`;
}

function scoresTable(report: SweepReport): string {
  const names = chartedScores(report.scores);
  const head = `<tr><th>setting</th>${names.map((name) => `<th>${escapeHtml(SCORE_LABELS[name])}</th>`).join('')}<th>answers</th></tr>`;
  const rows = report.scores.map((entry) => `<tr><th>${escapeHtml(settingLabel(entry.setting))}</th>${names.map((name) => scoreCell(entry.scores[name], RATE_SCORES.has(name))).join('')}<td>${entry.scores.answers}</td></tr>`);
  return `<table class="scores"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>`;
}

function outputCell(result: SweepResult | undefined): string {
  if (result === undefined) return '<td class="missing">not run</td>';
  if (result.error !== null) return `<td class="error">${escapeHtml(result.error)}</td>`;
  const classes = ['output', ...(isEmptyOrRefusal(result) ? ['refusal'] : [])].join(' ');
  const text = result.refusal ?? result.output ?? '';
  return `<td class="${classes}" title="finish_reason: ${escapeHtml(result.finish_reason ?? 'none')}">${text.trim() === '' ? '<em>(empty)</em>' : escapeHtml(text)}</td>`;
}

function outputs(report: SweepReport): string {
  const byCell = new Map(report.results.map((result) => [cellKey(result.prompt, { temperature: result.temperature, top_p: result.top_p }, result.sample), result]));
  return report.prompts.map((prompt) => {
    const head = `<tr><th>sample</th>${report.settings.map((setting) => `<th>${escapeHtml(settingLabel(setting))}</th>`).join('')}</tr>`;
    const rows = Array.from({ length: report.samples }, (_, sample) =>
      `<tr><th>${sample + 1}</th>${report.settings.map((setting) => outputCell(byCell.get(cellKey(prompt.index, setting, sample)))).join('')}</tr>`);
    const expected = prompt.expected === null ? '' : `<p class="expected"><strong>expected:</strong> ${escapeHtml(prompt.expected)}</p>`;
    return `<section class="prompt" data-prompt="${prompt.index}"><h3>${escapeHtml(prompt.title)} <small>line ${prompt.line}${prompt.wantsJson ? ', asks for JSON' : ''}</small></h3>${expected}<div class="scroll"><table class="outputs"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></div></section>`;
  }).join('\n');
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#111;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:14px;margin:0 0 6px}
.meta{color:#555}.meta code{color:#111}
pre.suggestion{background:#f4f6fb;border:1px solid #d6dcec;padding:12px;border-radius:6px;white-space:pre-wrap}
.warnings{background:#fff7e6;border:1px solid #f5c26b;padding:8px 12px;border-radius:6px}
.charts{display:flex;flex-wrap:wrap;gap:16px}
figure.chart{margin:0;border:1px solid #e3e3e3;border-radius:6px;padding:8px}
svg .grid{stroke:#eee}svg .tick{font-size:10px;fill:#666}svg .axis{font-size:11px;fill:#333}
svg .line{stroke-width:2}svg .marker{stroke:#888;stroke-dasharray:4 3}svg .marker-label{font-size:10px;fill:#555}
.legend{font-size:12px}
table{border-collapse:collapse}th,td{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
table.scores td{text-align:right;font-variant-numeric:tabular-nums}.na{color:#aaa}
.scroll{overflow-x:auto}table.outputs td{white-space:pre-wrap;min-width:180px;max-width:320px;font-size:12.5px}
td.refusal{background:#fff1f0}td.error{background:#fde2e2;color:#8a1c1c}td.missing{color:#aaa}
section.prompt{margin:18px 0}.expected{background:#eefaf0;padding:4px 8px;border-radius:4px;white-space:pre-wrap}
`;

export function renderReport(report: SweepReport): string {
  const suggestion = report.suggestion.ok ? report.suggestion.yaml : `no suggestion: ${report.suggestion.reason}`;
  const temperatures = [...new Set(report.settings.map((setting) => setting.temperature))].join(', ');
  const warnings = report.warnings.length === 0 ? '' : `<div class="warnings"><strong>warnings</strong><ul>${report.warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join('')}</ul></div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>temperance sweep: ${escapeHtml(report.model)}</title><style>${STYLE}</style></head>
<body>
<h1>Sweep of <code>${escapeHtml(report.model)}</code></h1>
<p class="meta">policy <code>${escapeHtml(report.policy ?? 'none')}</code> · ${report.prompts.length} prompts from <code>${escapeHtml(report.promptsFile)}</code> · ${report.samples} sample(s) per setting · temperatures ${escapeHtml(temperatures)} · sent to <code>${escapeHtml(report.baseUrl)}</code> · ${escapeHtml(report.generatedAt)}</p>
${report.system === null ? '' : `<p class="meta">system message kept: <code>${escapeHtml(report.system)}</code></p>`}
${warnings}
<h2>Suggested policy</h2>
<pre class="suggestion">${escapeHtml(suggestion)}</pre>
<h2>Scores against temperature</h2>
<div class="charts">${charts(report)}</div>
<h2>Scores</h2>
${scoresTable(report)}
<h2>Outputs</h2>
${outputs(report)}
</body></html>
`;
}
