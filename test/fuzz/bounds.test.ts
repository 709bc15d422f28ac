// Property: whatever a client sends — long strings and large structures in any field, on any
// governed route — the record the gateway keeps of the request and its log line stay small.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { createGateway } from '../../src/gateway.ts';
import type { RequestRecord } from '../../src/observe/record.ts';
import { policySet } from '../policy/helpers.ts';

const RUNS = Math.ceil(Number(process.env.FUZZ_RUNS ?? 1500) / 15);
// Large bodies on a loaded 2-core machine: generous, so only a hang fails it.
const TIMEOUT = { timeout: Math.max(90_000, RUNS * 300) };
const MAX_RECORD_CHARS = 16 * 1024;
const MAX_LOG_LINE_CHARS = 4 * 1024;

const set = policySet({
  'clamp.yaml': 'model: ft:clamp\naliases: [clampy]\nsampling: { temperature: { default: 0.6, min: 0.1, max: 0.8 }, top_p: { max: 0.9 }, logit_bias: { drop: true }, metadata: { fixed: { team: a } }, stop: { default: [END] } }\nsystem: { text: Clamp. }',
  'family.yaml': 'model: "ft:o4*"\nsampling: { temperature: { drop: true }, user: { fixed: anon } }',
});
const config = parseConfig({ OPENAI_BASE_URL: 'http://upstream.test/v1', MAX_BODY_BYTES: String(64 * 1024 * 1024), OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true' });
if (!config.ok) throw new Error(config.errors.join());

const records: RequestRecord[] = [];
const lines: string[] = [];
const upstream: typeof fetch = async () => new Response(JSON.stringify({ id: 'x', model: 'y'.repeat(100_000), choices: [{ message: { content: 'z'.repeat(200_000) }, finish_reason: 'stop' }] }), { status: 200, headers: { 'content-type': 'application/json' } });
const app = createGateway({ config: config.config, policies: () => set, fetch: upstream, recordSinks: [(record) => records.push(record)], log: (line) => lines.push(line) });

/** A large value: a long string, a long array or a wide object, built cheaply from a size. */
const large = fc.oneof(
  fc.integer({ min: 300, max: 2_000_000 }).map((size) => 'q'.repeat(size)),
  fc.integer({ min: 100, max: 200_000 }).map((size) => Array.from({ length: size }, (_, i) => i)),
  fc.integer({ min: 100, max: 50_000 }).map((size) => Object.fromEntries(Array.from({ length: size }, (_, i) => [`k${i}`, i]))),
);
const value = fc.oneof(large, fc.jsonValue({ maxDepth: 2 }));
const body = fc.record({
  model: fc.oneof(fc.constantFrom('clampy', 'ft:clamp', 'ft:o4-x', 'gpt-4o'), value),
  messages: fc.oneof(fc.constant([{ role: 'user', content: 'hi' }]), value.map((content) => [{ role: 'user', content }])),
  input: value,
  instructions: value,
  prompt: value,
  temperature: value,
  top_p: value,
  logit_bias: value,
  metadata: value,
  stop: value,
  user: value,
  safety_identifier: value,
}, { requiredKeys: [] });

describe('bounded records and log lines', () => {
  it('keep every record and log line small, whatever the body', TIMEOUT, async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom('/v1/chat/completions', '/v1/responses', '/v1/completions'), body, async (route, sent) => {
      records.length = 0;
      lines.length = 0;
      const response = await app.request(`http://gateway.test${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sent) });
      await response.arrayBuffer();
      await expect.poll(() => records.length).toBe(1);
      await expect.poll(() => lines.length).toBe(1);
      expect(response.status).toBeLessThan(500);
      // Captured content (opt-in) keeps up to 128 messages of 16 KiB and 64 KiB of output; the rest of the record is small.
      expect(JSON.stringify(records[0]?.content ?? null).length).toBeLessThan(128 * 16 * 1024 + 64 * 1024 + 16 * 1024);
      const { content: _content, ...kept } = records[0] ?? {};
      expect(JSON.stringify(kept).length).toBeLessThan(MAX_RECORD_CHARS);
      expect(lines[0]?.length).toBeLessThan(MAX_LOG_LINE_CHARS);
    }), { numRuns: RUNS });
  });
});
