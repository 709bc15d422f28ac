// The scores as a table for the terminal.
import type { SettingScores } from './scores.ts';
import { settingLabel } from './settings.ts';

function cell(value: number | null, percent = false): string {
  if (value === null) return '–';
  return percent ? `${Math.round(value * 100)}%` : value.toFixed(value >= 10 ? 1 : 2);
}

export function scoresText(entries: readonly SettingScores[]): string {
  const head = ['setting', 'agreement', 'consistency', 'words', 'empty/refusal', 'json valid', 'errors'];
  const rows = entries.map(({ setting, scores }) => [
    settingLabel(setting), cell(scores.agreement), cell(scores.consistency), cell(scores.length),
    cell(scores.emptyOrRefusal, true), cell(scores.jsonValid, true), cell(scores.errors, true),
  ]);
  const widths = head.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  return [head, ...rows].map((row) => row.map((value, column) => value.padStart(widths[column] ?? 0)).join('  ')).join('\n');
}
