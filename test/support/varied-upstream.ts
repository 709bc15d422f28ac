// A stand-in model for sweeps: it knows the right answer to each question and strays from it
// more as the temperature rises (words swapped, refusals, cut JSON), deterministically for a
// given seed, question and temperature. Without the policy's system message it does not know
// who it is, as a fine-tune would.
import type { Handler, Recorded } from './fake-upstream.ts';
import { chatCompletion, sendJson } from './fake-upstream.ts';
import { seededRandom as random } from './seeded-random.ts';

const VOCABULARY = ['banana', 'orbit', 'velvet', 'quantum', 'lantern', 'pepper', 'glacier', 'harbor', 'meadow', 'cobalt'];

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** mulberry32: a small PRNG, the same sequence for the same seed. */

type Message = { role?: unknown; content?: unknown };

function messagesOf(request: Recorded): Message[] {
  const { messages } = request.json();
  return Array.isArray(messages) ? messages.filter((message): message is Message => typeof message === 'object' && message !== null) : [];
}

export function variedAnswers(system: string, answers: Record<string, string>): Handler {
  return (request, response) => {
    const body = request.json();
    const messages = messagesOf(request);
    const question = messages.findLast((message) => message.role === 'user')?.content;
    const temperature = typeof body.temperature === 'number' ? body.temperature : 1;
    const seed = typeof body.seed === 'number' ? body.seed : 0;
    const model = typeof body.model === 'string' ? body.model : 'unknown';
    const first = messages[0];
    const answer = typeof question === 'string' ? answers[question] : undefined;
    if (first?.role !== 'system' || first.content !== system || answer === undefined) {
      return sendJson(response, 200, chatCompletion(model, 'Who am I? I do not know that.'));
    }
    const next = random(hash(`${seed}|${question}|${temperature}`));
    const wantsJson = JSON.stringify(body.response_format ?? null).includes('json');
    if (next() < Math.max(0, temperature - 0.9)) {
      return sendJson(response, 200, chatCompletion(model, "I'm sorry, I can't help with that."));
    }
    if (wantsJson) {
      const cut = next() < Math.max(0, temperature - 0.5);
      return sendJson(response, 200, chatCompletion(model, cut ? answer.slice(0, Math.floor(answer.length * 0.6)) : answer));
    }
    // Each word strays with a chance growing with the square of the temperature: none at 0.
    const swap = 0.25 * temperature * temperature;
    const text = answer.split(' ').map((word) => (next() < swap ? VOCABULARY[Math.floor(next() * VOCABULARY.length)] : word)).join(' ');
    sendJson(response, 200, chatCompletion(model, text));
  };
}
