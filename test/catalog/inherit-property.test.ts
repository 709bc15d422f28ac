// Whatever a client sends, the catalog step never throws, never mutates its input, and never
// forwards a parameter the base refuses unconditionally.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { inheritFromBase } from '../../src/catalog/inherit.ts';
import { MODEL_CATALOG } from '../../src/catalog/models.ts';

const anyJson = fc.jsonValue({ maxDepth: 2 });
const models = fc.oneof(fc.constantFrom(...Object.keys(MODEL_CATALOG).flatMap((name) => [name, `ft:${name}-2025-01-01:acme:x:1`])), fc.string(), anyJson);
const body = fc.record({
  model: models,
  temperature: anyJson, top_p: anyJson, presence_penalty: anyJson, logprobs: anyJson, logit_bias: anyJson,
  max_tokens: anyJson, max_completion_tokens: anyJson, reasoning_effort: fc.oneof(fc.constantFrom('none', 'low', 'medium'), anyJson),
  reasoning: fc.oneof(fc.record({ effort: fc.constantFrom('none', 'high') }), anyJson),
}, { requiredKeys: [] });

it('never throws or mutates, and a refused parameter never survives', () => {
  fc.assert(fc.property(fc.constantFrom('chat', 'responses', 'completions' as const), body, (route, input) => {
    const before = JSON.stringify(input);
    const result = inheritFromBase(input, route);
    expect(JSON.stringify(input)).toBe(before);
    if (!result.changed) expect(result.body).toBe(input);
    if (route === 'chat' && typeof input.model === 'string' && /^(ft:)?(o1|o3|o4-mini)[-:]/.test(`${input.model}-`)) {
      expect(result.body).not.toHaveProperty('max_tokens');
      expect(result.body).not.toHaveProperty('logprobs');
      if (Object.hasOwn(result.body, 'temperature')) expect(result.body.temperature).toBe(1);
    }
  }), { numRuns: 2000 });
});
