// Flags of a command with node:util parseArgs; its errors become user-facing messages.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { CliError } from './cli-error.ts';

export function parseOptions<const T extends ParseArgsOptionsConfig>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // parseArgs explains itself ("Unknown option '--x'"); drop its advice about `--` positionals.
    const message = error instanceof Error ? error.message.split('. To specify a positional')[0] ?? error.message : String(error);
    throw new CliError(message);
  }
}

/** A required string flag, or a clear error naming it. */
export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new CliError(`--${flag} is required`);
  return value;
}

/** A flag's number, checked: `--samples 0` or `--samples x` is refused by name. */
export function parseNumberFlag(value: string | undefined, flag: string, fallback: number, check: { min: number; max?: number; integer?: boolean }): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  const bounds = check.max === undefined ? `at least ${check.min}` : `between ${check.min} and ${check.max}`;
  if (value.trim() === '' || !Number.isFinite(number) || (check.integer === true && !Number.isInteger(number)) || number < check.min || (check.max !== undefined && number > check.max)) {
    throw new CliError(`--${flag} ${JSON.stringify(value)}: expected ${check.integer === true ? 'a whole number' : 'a number'} ${bounds}`);
  }
  return number;
}
