// Requests without a unit draw an arm from deps.random: the gateway's randomness comes in
// through its deps (like fetch), so a test can seed it and know the arms.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { createGateway } from '../../src/gateway.ts';
import { policySet } from '../policy/helpers.ts';
import { seededRandom as seeded } from '../support/seeded-random.ts';

const parsed = parseConfig({ OPENAI_BASE_URL: 'http://upstream.test/v1' });
if (!parsed.ok) throw new Error(parsed.errors.join());
const { config } = parsed;
const set = policySet({
  'trial.yaml': 'model: m\nsampling: { temperature: { default: 0.6 } }\nexperiment: { arms: { control: { weight: 3 }, cool: { weight: 1, sampling: { temperature: { default: 0.2 } } }, off: { weight: 0 } } }',
});

/** The stand-in upstream: records the temperature each request went out with. */
function gatewayWith(random: () => number) {
  const temperatures: unknown[] = [];
  const upstream: typeof fetch = async (_url, init) => {
    const body = init?.body instanceof Uint8Array ? new TextDecoder().decode(init.body) : '{}';
    temperatures.push(JSON.parse(body).temperature);
    return new Response('{"id":"x","choices":[]}', { headers: { 'content-type': 'application/json' } });
  };
  const app = createGateway({ config, policies: () => set, fetch: upstream, random });
  const send = async (extra: Record<string, unknown> = {}) => {
    const response = await app.request('/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [], ...extra }) });
    await response.text();
    return response.headers.get('x-temperance-arm');
  };
  return { send, temperatures };
}

/** mulberry32: a small seeded generator, so the test's draws are the same every run. */

describe('the draw without a unit', () => {
  it('takes the point from deps.random: 3:1 weights put [0, 0.75) on control and [0.75, 1) on cool', async () => {
    const low = gatewayWith(() => 0.74);
    expect(await low.send()).toBe('control');
    expect(low.temperatures).toEqual([0.6]);
    const high = gatewayWith(() => 0.75);
    expect(await high.send()).toBe('cool');
    expect(high.temperatures).toEqual([0.2]);
  });

  it('follows the weights over many requests from a seeded source, never the weight-0 arm', async () => {
    const { send } = gatewayWith(seeded(11));
    const arms: (string | null)[] = [];
    for (let i = 0; i < 2000; i += 1) arms.push(await send());
    const share = arms.filter((arm) => arm === 'cool').length / arms.length;
    expect(Math.abs(share - 0.25)).toBeLessThan(0.03);
    expect(arms).not.toContain('off');
  });

  it('does not call random when the request has a unit', async () => {
    const { send } = gatewayWith(() => { throw new Error('random was called'); });
    expect(['control', 'cool']).toContain(await send({ user: 'alice' }));
  });
});
