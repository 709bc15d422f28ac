import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../src/observe/record.ts';
import { clientAttributes, decisionAttributes, serverAttributes } from '../src/trace.ts';

const record: RequestRecord = {
  id: 'r', startedAt: 0, method: 'POST', path: '/v1/chat/completions', route: 'chat', stream: true,
  requestedModel: 'alias', model: 'ft:m', policy: 'p',
  decisions: [
    { param: 'temperature', requested: 0, applied: 0.1, rule: 'clamp' },
    { param: 'logit_bias', requested: { 1: 2 }, applied: undefined, rule: 'drop' },
  ],
  parameters: { temperature: { requested: 0, applied: 0.1 }, top_p: {}, logit_bias: { requested: { 1: 2 } } },
  system: { injected: false, mode: 'if_missing', role: 'system', text: 'S' },
  usageAdded: true, status: 200, durationMs: 5, upstream: 'api.openai.com',
};

describe('span attributes', () => {
  it('keep 0 and absence apart, and carry each decision', () => {
    const attributes = decisionAttributes(record);
    expect(attributes['temperance.temperature.requested']).toBe(0);
    expect(attributes['temperance.temperature.applied']).toBe(0.1);
    expect(attributes).not.toHaveProperty('temperance.top_p.requested');
    expect(attributes).not.toHaveProperty('temperance.logit_bias.applied');
    expect(attributes['temperance.logit_bias.requested']).toBe('{"1":2}');
    expect(attributes['temperance.decision.logit_bias.rule']).toBe('drop');
    expect(attributes['temperance.system.injected']).toBe(false);
    expect(JSON.parse(String(attributes['temperance.decisions']))).toEqual([
      { param: 'temperature', rule: 'clamp', requested: 0, applied: 0.1 },
      { param: 'logit_bias', rule: 'drop', requested: { 1: 2 } },
    ]);
  });

  it('name the upstream in GenAI terms, with the values that were sent', () => {
    const attributes = clientAttributes(record, new URL('https://api.openai.com/v1'));
    expect(attributes).toMatchObject({
      'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'ft:m',
      'gen_ai.request.temperature': 0.1, 'server.address': 'api.openai.com', 'server.port': 443,
    });
    expect(attributes).not.toHaveProperty('gen_ai.request.top_p');
    // A named upstream (contract §8): its host and port, and its name.
    expect(clientAttributes({ ...record, upstreamName: 'azure-east', upstream: 'acme.openai.azure.com' }, new URL('http://acme.openai.azure.com:8443/openai/v1'))).toMatchObject({
      'server.address': 'acme.openai.azure.com', 'server.port': 8443, 'temperance.upstream': 'azure-east',
    });
    const { policy: _policy, ...ungoverned } = record;
    expect(serverAttributes({ ...ungoverned, route: 'pass-through', decisions: [] })).not.toHaveProperty('temperance.policy');
  });
});
