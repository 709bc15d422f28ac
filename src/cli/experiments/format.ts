// Results (contract 6.3) as text for the terminal: per experiment the arms table, then each arm
// against the control, metric by metric, with the interval and the verdict.
import type { ExperimentResult } from '../../stats/results.ts';

const pct = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);
const num = (value: number | null, digits = 1) => (value === null ? '—' : value.toFixed(digits));

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ')).join('\n');
}

const RATES = new Set(['error_rate', 'length_rate', 'refusal_rate']);

export function formatResults(experiments: readonly ExperimentResult[]): string {
  if (experiments.length === 0) return 'No policy declares an experiment.\n';
  const parts: string[] = [];
  for (const experiment of experiments) {
    const declared = Object.entries(experiment.metrics).filter(([, metric]) => metric.type !== 'built-in');
    parts.push(`${experiment.name} (policy ${experiment.policy}, control ${experiment.control}${experiment.all_versions ? ', all policy versions' : ''})`);
    parts.push(`  earlier policy versions: ${experiment.earlier_versions.requests} requests · unmatched feedback: ${experiment.unmatched_feedback}`);
    const header = ['arm', 'weight', 'requests', 'forced', 'errors', 'p50 ms', 'p50 ttft', 'out tok', 'length', 'refusal', ...declared.map(([name]) => name)];
    const rows = experiment.arms.map((arm) => [
      arm.name, String(arm.weight), String(arm.requests), String(arm.forced), pct(arm.error_rate), num(arm.latency_p50_ms, 0), num(arm.ttft_p50_ms, 0),
      num(arm.output_tokens_mean), pct(arm.length_rate), pct(arm.refusal_rate),
      ...declared.map(([name, metric]) => {
        const value = arm.metrics[name];
        if (value === undefined || value.mean === null) return '— (n 0)';
        return `${metric.type === 'boolean' ? pct(value.mean) : num(value.mean, 2)} (n ${value.n})`;
      }),
    ]);
    parts.push(table([header, ...rows]).replace(/^/gm, '  '));
    for (const arm of experiment.arms) {
      const lines = Object.entries(arm.versus_control)
        .filter(([, c]) => c.difference !== null)
        .map(([metric, c]) => {
          const scale = RATES.has(metric) || experiment.metrics[metric]?.type === 'boolean' ? 100 : 1;
          const unit = scale === 100 ? ' pts' : '';
          const show = (value: number | null) => (value === null ? '—' : `${value * scale >= 0 ? '+' : ''}${(value * scale).toFixed(scale === 100 ? 1 : 2)}`);
          const interval = c.low === null ? 'too few to say' : `95% interval ${show(c.low)} … ${show(c.high)}${unit}`;
          return [`    ${metric}`, `${show(c.difference)}${unit}`, interval, c.verdict];
        });
      if (lines.length === 0) continue;
      parts.push(`  ${arm.name} vs ${experiment.control}:`);
      parts.push(table(lines));
    }
    parts.push('');
  }
  parts.push('Intervals are anytime-valid (mixture SPRT confidence sequences): looking often does not raise the chance of a false "better".');
  return `${parts.join('\n')}\n`;
}
