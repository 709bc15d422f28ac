// Which system message(s) a fine-tune was trained with: counted over the training lines.
// One message on most lines is the canonical one; several messages each on a large share of
// the lines are several behaviours (personas); the rest are strays worth a look.
import { messageText, type NumberedLine } from '../training-file.ts';

export type SystemMessageCount = {
  text: string;
  role: 'system' | 'developer';
  /** Line numbers (1-based) that start with this message. */
  lines: number[];
  /** Share of all valid lines, 0–1. */
  share: number;
};

export type SystemMessages =
  | { kind: 'none'; total: number }
  | { kind: 'single'; total: number; main: SystemMessageCount; others: SystemMessageCount[]; withoutSystem: number[] }
  | { kind: 'personas'; total: number; personas: SystemMessageCount[]; strays: SystemMessageCount[]; withoutSystem: number[] };

/** A message is a persona of its own from this share of the lines up (two or more needed). */
export const PERSONA_SHARE = 0.2;

export function findSystemMessages(lines: readonly NumberedLine[], personaShare = PERSONA_SHARE): SystemMessages {
  const byText = new Map<string, { role: 'system' | 'developer'; lines: number[] }>();
  const withoutSystem: number[] = [];
  for (const { line, value } of lines) {
    // The trained message is the one the conversation opens with.
    const first = value.messages[0];
    if (first === undefined || (first.role !== 'system' && first.role !== 'developer')) {
      withoutSystem.push(line);
      continue;
    }
    const text = messageText(first);
    const entry = byText.get(text) ?? { role: first.role, lines: [] };
    entry.lines.push(line);
    byText.set(text, entry);
  }
  const total = lines.length;
  if (byText.size === 0) return { kind: 'none', total };
  const counts = [...byText.entries()]
    .map(([text, entry]) => ({ text, role: entry.role, lines: entry.lines, share: entry.lines.length / total }))
    // Most lines first; equal counts in order of first appearance (stable sort).
    .sort((a, b) => b.lines.length - a.lines.length);
  const large = counts.filter((count) => count.share >= personaShare);
  if (large.length >= 2) {
    return { kind: 'personas', total, personas: large, strays: counts.filter((count) => count.share < personaShare), withoutSystem };
  }
  const [main, ...others] = counts;
  if (main === undefined) return { kind: 'none', total };
  return { kind: 'single', total, main, others, withoutSystem };
}
