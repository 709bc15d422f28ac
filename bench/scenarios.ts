// What the benchmark sends. Bodies are built once; every request of a scenario is the same
// bytes, so the differences between paths are the paths.

export const BENCH_MODEL = 'ft:gpt-4o-mini-2024-07-18:bench:clamp:1';
/** A reasoning fine-tune no policy names: only the catalog governs it (contract §7). */
export const REASONING_MODEL = 'ft:o4-mini-2025-04-16:bench:reason:1';

export type Scenario = {
  id: string;
  label: string;
  path: string;
  body: Uint8Array;
  concurrency: number;
  /** Requests per target per round at scale 1. */
  count: number;
  streamed: boolean;
  /** Content chunks of a streamed answer (the per-chunk figure divides CPU per request by it). */
  chunks?: number;
};

/** Tokens of the long streamed answer: the stand-in upstream reads `?tokens=` (bench/targets/upstream.ts). */
export const LONG_STREAM_TOKENS = 500;

const encoder = new TextEncoder();
const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-bench-client-key' };
export const REQUEST_HEADERS: Readonly<Record<string, string>> = headers;

// Text of the given length that is not one repeated character (JSON and compression see words).
function prose(length: number, seed: number): string {
  const words = ['policy', 'temperature', 'gateway', 'support', 'answer', 'the', 'a', 'model', 'sampling', 'token', 'latency', 'of'];
  let text = '';
  for (let i = seed; text.length < length; i += 7) text += `${words[i % words.length]} `;
  return text.slice(0, length);
}

function chatBody(messages: number, perMessage: number, extra: Record<string, unknown> = {}): Uint8Array {
  const turns = Array.from({ length: messages }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: prose(perMessage, i) }));
  // temperature 1.7 is clamped to 0.8, top_p is filled in, the canonical system message is
  // prepended: the policy changes the body, so the gateway must re-serialise it.
  return encoder.encode(JSON.stringify({ model: BENCH_MODEL, messages: turns, temperature: 1.7, max_tokens: 256, ...extra }));
}

// Extension point: a scenario is one entry here (and, if it needs its own upstream behaviour, a
// branch in bench/targets/upstream.ts keyed by the path or its query, never by parsing the body;
// if it needs its own gateway settings or policies, a path in bench/run.ts startTargets and
// bench/workspace.ts).
export function scenarios(): Scenario[] {
  return [
    { id: 'small-c1', label: 'small chat ~2 KB, c=1', path: '/v1/chat/completions', body: chatBody(3, 600), concurrency: 1, count: 300, streamed: false },
    { id: 'small-c32', label: 'small chat ~2 KB, c=32', path: '/v1/chat/completions', body: chatBody(3, 600), concurrency: 32, count: 3000, streamed: false },
    { id: 'large-c1', label: 'large chat ~200 KB, c=1', path: '/v1/chat/completions', body: chatBody(100, 2000), concurrency: 1, count: 60, streamed: false },
    { id: 'stream-c1', label: 'streamed chat, c=1', path: '/v1/chat/completions', body: chatBody(3, 600, { stream: true }), concurrency: 1, count: 80, streamed: true },
    { id: 'stream500-c1', label: `streamed chat, ${LONG_STREAM_TOKENS} tokens, c=1`, path: `/v1/chat/completions?tokens=${LONG_STREAM_TOKENS}`, body: chatBody(3, 600, { stream: true }), concurrency: 1, count: 30, streamed: true, chunks: LONG_STREAM_TOKENS },
    // temperature removed and max_tokens renamed by the catalog: the body is re-serialised.
    { id: 'reasoning-c1', label: 'reasoning base (catalog), c=1', path: '/v1/chat/completions', body: chatBody(3, 600, { model: REASONING_MODEL, temperature: 0.7 }), concurrency: 1, count: 300, streamed: false },
    { id: 'pass-c1', label: 'pass-through /v1/embeddings, c=1', path: '/v1/embeddings', body: encoder.encode(JSON.stringify({ model: 'text-embedding-3-small', input: prose(200, 3) })), concurrency: 1, count: 300, streamed: false },
  ];
}
