// The grid a sweep measures: each temperature (and top_p, when swept) in turn.
import { CliError } from '../cli-error.ts';

export type Setting = { temperature: number; top_p: number | null };

export const DEFAULT_TEMPERATURES = [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2];

/** `0.2,0.4, 0.6` → numbers in the API's range, in ascending order, without repeats. */
export function parseList(text: string, flag: string, range: { min: number; max: number }): number[] {
  const values = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (values.length === 0) throw new CliError(`--${flag}: give one or more numbers, e.g. 0.2,0.4,0.6`);
  const numbers = values.map((value) => {
    const number = Number(value);
    if (!Number.isFinite(number) || number < range.min || number > range.max) {
      throw new CliError(`--${flag} ${JSON.stringify(value)}: expected a number from ${range.min} to ${range.max}`);
    }
    return number;
  });
  return [...new Set(numbers)].sort((a, b) => a - b);
}

export function settingGrid(temperatures: readonly number[], topPs: readonly number[] | null): Setting[] {
  return (topPs ?? [null]).flatMap((top_p) => temperatures.map((temperature) => ({ temperature, top_p })));
}

export function settingLabel(setting: Setting): string {
  return setting.top_p === null ? `t=${setting.temperature}` : `t=${setting.temperature} p=${setting.top_p}`;
}
