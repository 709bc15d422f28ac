// Property-based fuzzing of request bodies: every input gets either a forwarded request that
// obeys the policy, or an OpenAI-shaped 4xx — never a crash, a hang or a 500.
// `npm test` runs a few thousand cases; `npm run fuzz` runs many more (FUZZ_RUNS).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { createGateway } from '../../src/gateway.ts';
import { policySet } from '../policy/helpers.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
// `npm run fuzz` runs many more cases than `npm test`: the time allowed grows with them.
const TIMEOUT = { timeout: Math.max(30_000, RUNS * 3) };

const set = policySet({
  'clamp.yaml': 'model: ft:clamp\naliases: [clampy]\nsampling: { temperature: { default: 0.6, min: 0.1, max: 0.8 }, top_p: { max: 0.9 }, max_output_tokens: { max: 100 }, seed: { default: 7 } }\nsystem: { text: Clamp. }',
  'reject.yaml': 'model: ft:reject\nout_of_range: reject\nsampling: { temperature: { max: 0.8 }, reasoning_effort: { default: low } }\nsystem: { text: Reject., mode: replace, role: developer }',
  'quiet.yaml': 'model: ft:quiet\nsystem: { text: Quiet., mode: if_missing }\npersonas: { chum: { sampling: { presence_penalty: { fixed: 0 } } } }',
  'family.yaml': 'model: "ft:o4*"\nsampling: { temperature: { drop: true }, top_p: { drop: true } }',
});

const config = parseConfig({ OPENAI_BASE_URL: 'http://upstream.test/v1', UNLISTED_MODELS: 'pass', MAX_BODY_BYTES: '65536' });
if (!config.ok) throw new Error(config.errors.join());

type Sent = { url: string; body: string };
let sent: Sent[] = [];
// The upstream is the only thing mocked: it records what it was sent and answers 200.
const upstream: typeof fetch = async (input, init) => {
  const body = init?.body;
  sent.push({ url: String(input), body: body instanceof Uint8Array ? new TextDecoder().decode(body) : '' });
  return new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
};
const app = createGateway({ config: config.config, policies: () => set, fetch: upstream });

const anyJson = fc.jsonValue({ maxDepth: 3 });
const message = fc.oneof(
  fc.record({ role: fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 42), content: fc.oneof(fc.string(), fc.constantFrom('Clamp.', 'Reject.', 'Quiet.'), fc.array(fc.record({ type: fc.constantFrom('text', 'input_text', 'image_url'), text: fc.string() }), { maxLength: 2 }), anyJson) }, { requiredKeys: [] }),
  anyJson,
);
const sampling = fc.oneof(fc.double({ noNaN: false }), fc.integer({ min: -5, max: 5 }), fc.constant(null), fc.string(), anyJson);
const body = fc.record({
  model: fc.oneof(fc.constantFrom('ft:clamp', 'clampy', 'ft:reject', 'ft:quiet', 'chum', 'ft:o4-mini:x', 'gpt-4o-mini'), fc.string(), anyJson),
  messages: fc.oneof(fc.array(message, { maxLength: 4 }), anyJson),
  input: fc.oneof(fc.string(), fc.array(message, { maxLength: 3 }), anyJson),
  instructions: fc.oneof(fc.string(), fc.constantFrom('Clamp.', ''), fc.constant(null), anyJson),
  prompt: fc.oneof(fc.string(), anyJson),
  temperature: sampling,
  top_p: sampling,
  max_output_tokens: sampling,
  seed: sampling,
  presence_penalty: sampling,
  reasoning_effort: fc.oneof(fc.constantFrom('low', 'high'), anyJson),
  stream: fc.boolean(),
  extra: anyJson,
}, { requiredKeys: [] });

const routes = ['/v1/chat/completions', '/v1/responses', '/v1/completions'] as const;

function isErrorShape(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const { error } = value;
  return typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string' && 'type' in error && 'code' in error && 'param' in error;
}

async function check(route: string, text: string): Promise<void> {
  sent = [];
  const response = await app.request(`http://gateway.test${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
  if (response.status === 200) {
    expect(sent).toHaveLength(1);
    const forwarded: unknown = JSON.parse(sent[0]?.body ?? '');
    if (typeof forwarded === 'object' && forwarded !== null && 'model' in forwarded && forwarded.model === 'ft:clamp' && 'temperature' in forwarded) {
      // Whatever came in, what goes out under the clamp policy is inside its bounds.
      expect(forwarded.temperature).toBeGreaterThanOrEqual(0.1);
      expect(forwarded.temperature).toBeLessThanOrEqual(0.8);
    }
    return;
  }
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expect(isErrorShape(await response.json())).toBe(true);
  expect(sent).toHaveLength(0);
}

describe('fuzzed request bodies', () => {
  it('structured bodies on every governed route: forwarded within policy, or an OpenAI-shaped 4xx', TIMEOUT, async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), body, async (route, value) => check(route, JSON.stringify(value))), { numRuns: RUNS });
  });

  it('arbitrary bytes: never a crash or a 500', TIMEOUT, async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), fc.oneof(fc.string(), fc.json(), fc.constantFrom('', '{', '[]', 'null', '"x"', '{"model":1e400}', '{"temperature":1e-400,"model":"ft:clamp"}')), async (route, text) => check(route, text)), { numRuns: RUNS });
  });
});
