// The prompts of a sweep, in the fine-tuning format: a line's last assistant message, when
// present, is the expected answer; the messages before it are the request.
import { isJsonObject, type JsonObject } from '../../policy/decision.ts';
import { messageText, parseTrainingFile, type LineProblem } from '../training-file.ts';

export type Prompt = {
  /** 0-based position among the valid lines. */
  index: number;
  /** 1-based line in the file. */
  line: number;
  /** The request fields of the line: messages without the expected answer, plus response_format, tools… */
  request: JsonObject;
  expected: string | null;
  /** response_format asks for JSON: outputs are checked for validity. */
  wantsJson: boolean;
  /** Shown in the report: the last user message. */
  title: string;
};

function withoutWeight(message: unknown): unknown {
  // `weight` steers training only; a chat request would be refused with it.
  if (!isJsonObject(message) || !Object.hasOwn(message, 'weight')) return message;
  const { weight: _weight, ...rest } = message;
  return rest;
}

function asksForJson(responseFormat: unknown): boolean {
  return isJsonObject(responseFormat) && (responseFormat.type === 'json_object' || responseFormat.type === 'json_schema');
}

export function parsePrompts(text: string): { prompts: Prompt[]; problems: LineProblem[] } {
  const file = parseTrainingFile(text);
  const prompts: Prompt[] = [];
  const problems = [...file.problems];
  for (const { line, value, raw } of file.lines) {
    const messages = Array.isArray(raw.messages) ? raw.messages.map(withoutWeight) : [];
    const last = value.messages.at(-1);
    const expected = last?.role === 'assistant' ? messageText(last) : null;
    const asked = expected === null ? messages : messages.slice(0, -1);
    if (asked.length === 0) {
      problems.push({ line, message: 'nothing to send: the only message is the expected answer' });
      continue;
    }
    const lastUser = value.messages.slice(0, expected === null ? undefined : -1).findLast((message) => message.role === 'user');
    const { messages: _messages, ...fields } = raw;
    prompts.push({
      index: prompts.length,
      line,
      request: { ...fields, messages: asked },
      expected,
      wantsJson: asksForJson(raw.response_format),
      title: lastUser === undefined ? `line ${line}` : messageText(lastUser),
    });
  }
  return { prompts, problems };
}
