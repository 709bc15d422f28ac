// Property-based fuzzing of policy files: any file is loaded or refused with errors that name
// it; a policy that loads never makes the engine throw on any body.
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { applyPolicy } from '../../src/policy/apply.ts';
import { loadPolicies } from '../../src/policy/load.ts';
import { chatRoute } from '../../src/policy/routes/chat.ts';
import { responsesRoute } from '../../src/policy/routes/responses.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
// `npm run fuzz` runs many more cases than `npm test`: the time allowed grows with them.
const TIMEOUT = { timeout: Math.max(30_000, RUNS * 3) };
const anyJson = fc.jsonValue({ maxDepth: 3 });
const number = fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.integer({ min: -2, max: 5 }));
const rule = fc.record({ default: fc.oneof(number, anyJson), min: number, max: number, fixed: fc.oneof(number, anyJson), drop: fc.oneof(fc.constant(true), anyJson) }, { requiredKeys: [] });
const policyShape = fc.record({
  model: fc.oneof(fc.constantFrom('ft:a', 'ft:*', '*', 'm'), fc.string(), anyJson),
  aliases: fc.oneof(fc.array(fc.oneof(fc.constantFrom('a', 'b', 'ft:a', 'x*'), fc.string()), { maxLength: 3 }), anyJson),
  sampling: fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom('temperature', 'top_p', 'n', 'seed', 'max_tokens', 'top_k', 'logit_bias'), fc.string()), rule, { maxKeys: 3 }), anyJson),
  out_of_range: fc.oneof(fc.constantFrom('clamp', 'reject'), anyJson),
  system: fc.oneof(fc.record({ text: fc.oneof(fc.string(), anyJson), mode: fc.oneof(fc.constantFrom('prepend', 'replace', 'if_missing'), anyJson), role: fc.constantFrom('system', 'developer', 'user') }, { requiredKeys: ['text'] }), anyJson),
  personas: fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom('p', 'q'), fc.string()), fc.record({ sampling: fc.dictionary(fc.constantFrom('temperature', 'top_p'), rule, { maxKeys: 2 }) }, { requiredKeys: [] }), { maxKeys: 2 }), anyJson),
  experiment: fc.oneof(fc.record({
    name: fc.oneof(fc.constantFrom('x', 'a0'), fc.string()),
    sticky: fc.oneof(fc.array(fc.constantFrom('user', 'metadata.k', 'header:x-id', 'messages'), { maxLength: 3 }), anyJson),
    metrics: fc.oneof(fc.dictionary(fc.constantFrom('m', 'n'), fc.record({ type: fc.constantFrom('boolean', 'number', 'text'), goal: fc.constantFrom('max', 'min') }, { requiredKeys: [] }), { maxKeys: 2 }), anyJson),
    arms: fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom('control', 'cool', '1'), fc.string()), fc.record({ weight: number, sampling: fc.dictionary(fc.constantFrom('temperature', 'top_p'), rule, { maxKeys: 2 }), out_of_range: fc.constantFrom('clamp', 'reject') }, { requiredKeys: [] }), { maxKeys: 3 }), anyJson),
  }, { requiredKeys: [] }), anyJson),
}, { requiredKeys: ['model'] });

describe('fuzzed policy files', () => {
  it('load or fail with errors that name the file; what loads never throws in the engine', TIMEOUT, () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('yaml', 'json'), fc.oneof(policyShape, anyJson, fc.string())), { minLength: 1, maxLength: 3 }),
      fc.record({ model: fc.constantFrom('ft:a', 'a', 'b', 'p', 'ft:zzz', 'm'), temperature: fc.oneof(number, anyJson), messages: fc.oneof(fc.array(anyJson, { maxLength: 2 }), anyJson), input: anyJson }, { requiredKeys: ['model'] }),
      (files, body) => {
        const sources = files.map(([name, ext, data], index) => ({
          path: `policies/${name}${index}.${ext}`,
          text: typeof data === 'string' ? data : ext === 'json' ? JSON.stringify(data) : stringify(data),
        }));
        const result = loadPolicies(sources, 0);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) expect(sources.some((source) => error.startsWith(`${source.path}: `))).toBe(true);
          return;
        }
        const resolution = result.value.resolve(body.model);
        if (resolution === null) return;
        // The policy itself and, under an experiment, every arm's merged policy.
        const policies = [resolution.policy, ...(resolution.policy.experiment?.arms.map((arm) => arm.policy) ?? [])];
        for (const policy of policies) {
          for (const route of [chatRoute, responsesRoute]) {
            const applied = applyPolicy(body, policy, route);
            expect(typeof applied.ok).toBe('boolean');
          }
        }
      },
    ), { numRuns: RUNS });
  });
});
