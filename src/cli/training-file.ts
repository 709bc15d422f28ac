// OpenAI's chat fine-tuning format, one `{"messages": […]}` per line: the input of `init`, and
// of `sweep` (whose last assistant message, when present, is the expected answer).
import * as z from 'zod';
import { isJsonObject, type JsonObject } from '../policy/decision.ts';

const ContentPart = z.looseObject({ type: z.string(), text: z.string().optional() });

export const TrainingMessage = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(ContentPart), z.null()]).optional(),
  // 0 excludes an assistant message from training; it still sits in the conversation.
  weight: z.union([z.literal(0), z.literal(1)]).optional(),
});
export type TrainingMessage = z.infer<typeof TrainingMessage>;

// Loose: a line may carry request fields beside `messages` (tools, response_format…).
export const TrainingLine = z.looseObject({
  messages: z.array(TrainingMessage).min(1, 'a line needs at least one message'),
});
export type TrainingLine = z.infer<typeof TrainingLine>;

export type NumberedLine = { line: number; value: TrainingLine; raw: JsonObject };
export type LineProblem = { line: number; message: string };
export type TrainingFile = { lines: NumberedLine[]; problems: LineProblem[] };

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.map(String).join('.');
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}

/** Every line parsed; a malformed one is reported by its number (1-based), never fatal. */
export function parseTrainingFile(text: string): TrainingFile {
  const lines: NumberedLine[] = [];
  const problems: LineProblem[] = [];
  text.split('\n').forEach((source, index) => {
    const line = index + 1;
    if (source.trim() === '') return;
    let data: unknown;
    try {
      data = JSON.parse(source);
    } catch (error) {
      problems.push({ line, message: `not JSON (${error instanceof Error ? error.message : 'unreadable'})` });
      return;
    }
    const parsed = TrainingLine.safeParse(data);
    if (!parsed.success || !isJsonObject(data)) {
      problems.push({ line, message: parsed.success ? 'not a JSON object' : parsed.error.issues.map(describeIssue).join('; ') });
      return;
    }
    lines.push({ line, value: parsed.data, raw: data });
  });
  return { lines, problems };
}

/** The text of a message: a string, or its text parts joined. */
export function messageText(message: TrainingMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  return content.map((part) => part.text ?? '').join('');
}
