// Reading chat-style messages (chat `messages`, responses `input` items) without trusting them.
import { isJsonObject, type JsonObject } from '../decision.ts';

export function isInstruction(message: unknown): message is JsonObject {
  return isJsonObject(message) && (message.role === 'system' || message.role === 'developer');
}

/** The text of a message whose content is a string or a single text part; else undefined. */
export function singleText(content: unknown, partTypes: readonly string[]): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content) || content.length !== 1) return undefined;
  const [part] = content;
  if (!isJsonObject(part) || typeof part.type !== 'string' || !partTypes.includes(part.type)) return undefined;
  return typeof part.text === 'string' ? part.text : undefined;
}

export function isCanonical(message: unknown, text: string, partTypes: readonly string[]): boolean {
  return isInstruction(message) && singleText(message.content, partTypes) === text;
}

export function countInstructions(messages: readonly unknown[]): number {
  return messages.filter(isInstruction).length;
}
