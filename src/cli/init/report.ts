// What `init` tells the user about the training file: the message(s) it found, how far the
// lines agree, and which lines it could not read.
import type { LineProblem } from '../training-file.ts';
import type { SystemMessageCount, SystemMessages } from './system-messages.ts';

const SHOWN = 5;

export function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

function lineList(lines: readonly number[]): string {
  const shown = lines.slice(0, SHOWN).join(', ');
  return lines.length > SHOWN ? `${shown}, … (${lines.length - SHOWN} more)` : shown;
}

function quote(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ');
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat);
}

export function describeMessage(message: SystemMessageCount, total: number): string {
  return `${quote(message.text)} on ${message.lines.length} of ${total} lines (${percent(message.share)}): lines ${lineList(message.lines)}`;
}

export function problemLines(problems: readonly LineProblem[], max = 20): string[] {
  const lines = problems.slice(0, max).map((problem) => `  line ${problem.line}: ${problem.message}`);
  if (problems.length > max) lines.push(`  … and ${problems.length - max} more`);
  return lines;
}

/** Warnings (stderr): disagreeing lines, strays, lines without a system message. */
export function systemWarnings(found: SystemMessages): string[] {
  if (found.kind === 'none') return [`no line starts with a system message: the policy gets none (${found.total} lines read)`];
  const warnings: string[] = [];
  if (found.kind === 'single' && found.others.length > 0) {
    const disagreeing = found.others.reduce((sum, other) => sum + other.lines.length, 0);
    warnings.push([
      `the lines disagree: ${disagreeing} of ${found.total} lines (${percent(disagreeing / found.total)}) open with another system message than the most common one:`,
      ...found.others.map((other) => `  ${describeMessage(other, found.total)}`),
    ].join('\n'));
  }
  if (found.kind === 'personas' && found.strays.length > 0) {
    warnings.push([
      'strays: rare system messages, not made personas (a typo in the training data, or a behaviour with too few examples):',
      ...found.strays.map((stray) => `  ${describeMessage(stray, found.total)}`),
    ].join('\n'));
  }
  if (found.withoutSystem.length > 0) {
    warnings.push(`${found.withoutSystem.length} of ${found.total} lines have no system message: lines ${lineList(found.withoutSystem)}`);
  }
  const messages = found.kind === 'single' ? [found.main] : found.personas;
  for (const message of messages) {
    if (message.text !== message.text.trimEnd()) {
      warnings.push(`the system message ${quote(message.text)} ends in white space, which policy files drop: requests will carry it without`);
    }
  }
  return warnings;
}
