// Message content in the GenAI semantic conventions' JSON shapes (gen_ai.input.messages,
// gen_ai.system_instructions, gen_ai.output.messages). Built only when content capture is on.
import { isJsonObject, type JsonObject } from '../policy/decision.ts';
import type { RecordRoute } from './record.ts';
import { boundString } from './bound.ts';

// Captured content is opt-in and meant to be read, so it keeps far more than other client
// strings, but still a bounded amount: it lives on in spans and the trace buffer.
const MAX_CAPTURED_CHARS = 16 * 1024;
const MAX_CAPTURED_MESSAGES = 128;

type TextPart = { type: 'text'; content: string };
type Message = { role: string; parts: TextPart[]; finish_reason?: string };

function parts(content: unknown): TextPart[] {
  if (typeof content === 'string') return [{ type: 'text', content: boundString(content, MAX_CAPTURED_CHARS) }];
  if (!Array.isArray(content)) return [];
  return content
    .slice(0, MAX_CAPTURED_MESSAGES)
    .flatMap((part) => (isJsonObject(part) && typeof part.text === 'string' ? [{ type: 'text' as const, content: boundString(part.text, MAX_CAPTURED_CHARS) }] : []));
}

function messages(items: unknown): Message[] {
  if (!Array.isArray(items)) return [];
  return items
    .slice(0, MAX_CAPTURED_MESSAGES)
    .flatMap((item) => (isJsonObject(item) && typeof item.role === 'string' ? [{ role: boundString(item.role), parts: parts(item.content) }] : []));
}

/** The input of the body that went upstream: messages, and system instructions where the route has them apart. */
export function inputContent(route: RecordRoute, body: JsonObject): { input: unknown[]; systemInstructions?: unknown[] } {
  if (route === 'chat') return { input: messages(body.messages) };
  if (route === 'completions') return { input: [{ role: 'user', parts: parts(typeof body.prompt === 'string' ? body.prompt : '') }] };
  const input = typeof body.input === 'string' ? [{ role: 'user', parts: parts(body.input) }] : messages(body.input);
  return typeof body.instructions === 'string' ? { input, systemInstructions: parts(body.instructions) } : { input };
}

export function outputContent(text: string, finishReasons: readonly string[]): unknown[] {
  const message: Message = { role: 'assistant', parts: [{ type: 'text', content: text }] };
  const [reason] = finishReasons;
  if (reason !== undefined) message.finish_reason = reason;
  return [message];
}
