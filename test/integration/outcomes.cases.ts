// Outcomes, feedback and results end to end with the openai SDK, on Node (SQLite) and workerd
// (D1): requests under an experiment, feedback with the returned request ids, the results'
// counts per arm; feedback before its outcome; an all-or-nothing batch; keys on a keyed gateway.
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../support/gateway-fixture.ts';
import type { RunningGateway, Runtime } from '../support/runtimes.ts';

const TRIAL = 'ft:gpt-4o-mini:acme:trial:1';
const user = { role: 'user' as const, content: 'My order is late.' };

type ArmJson = { name: string; requests: number; forced: number; metrics: Record<string, { n: number; mean: number | null }>; versus_control: Record<string, { verdict: string }> };
type ExperimentJson = { name: string; control: string; unmatched_feedback: number; earlier_versions: { requests: number }; arms: ArmJson[] };

async function results(gateway: RunningGateway, headers: Record<string, string> = {}): Promise<{ store: string | null; experiments: ExperimentJson[] }> {
  const response = await fetch(`${gateway.url}/_temperance/experiments.json`, { headers });
  expect(response.status).toBe(200);
  return (await response.json()) as { store: string | null; experiments: ExperimentJson[] };
}

async function trial(gateway: RunningGateway, headers: Record<string, string> = {}): Promise<ExperimentJson> {
  const experiment = (await results(gateway, headers)).experiments.find((e) => e.name === 'trial-temperature');
  if (experiment === undefined) throw new Error('no trial-temperature in the results');
  return experiment;
}

function feedback(gateway: RunningGateway, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gateway.url}/_temperance/feedback`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** One request as an app sends it: the SDK's .withResponse() gives the headers. */
async function ask(openai: OpenAI, unit: string, headers: Record<string, string> = {}) {
  const { response } = await openai.chat.completions.create({ model: TRIAL, messages: [user], user: unit }, { headers }).withResponse();
  return { id: response.headers.get('x-temperance-request-id') ?? '', arm: response.headers.get('x-temperance-arm') ?? '' };
}

export function defineOutcomeCases(runtime: Runtime): void {
  describe('with a store', () => {
    const fixture = useGateway(runtime);

    it('records every request under the experiment, takes feedback by request id, and counts per arm', async () => {
      const { gateway, openai } = fixture;
      const before = await trial(gateway);
      const served: { id: string; arm: string }[] = [];
      for (let i = 0; i < 16; i += 1) served.push(await ask(openai, `user-${i}`));
      const forced = await ask(openai, 'user-forced', { 'x-temperance-arm': 'hidden' });
      expect(forced.arm).toBe('hidden');
      expect(new Set(served.map((s) => s.arm))).toEqual(new Set(['control', 'cool']));

      const sent = await feedback(gateway, served.map((s) => ({ request_id: s.id, metric: 'resolved', value: s.arm === 'cool' })));
      expect(sent.status).toBe(202);
      expect(await sent.json()).toEqual({ accepted: 16 });

      const count = (arm: string) => served.filter((s) => s.arm === arm).length;
      await expect.poll(async () => (await trial(gateway)).arms.map((a) => a.requests - (before.arms.find((b) => b.name === a.name)?.requests ?? 0)), { timeout: 10_000 })
        .toEqual([count('control'), count('cool'), 0]);
      const after = await trial(gateway);
      const arm = (name: string) => after.arms.find((a) => a.name === name);
      expect(arm('hidden')?.forced).toBe((before.arms.find((a) => a.name === 'hidden')?.forced ?? 0) + 1);
      expect(arm('cool')?.metrics.resolved?.mean).toBe(1);
      expect(arm('control')?.metrics.resolved?.mean).toBe(0);
      expect(arm('cool')?.metrics.resolved?.n).toBe(count('cool'));
      expect(arm('control')?.versus_control).toEqual({});
      expect(arm('cool')?.versus_control.resolved?.verdict).toBeDefined();
    });

    it('takes feedback before its outcome is written, and counts it unmatched until then', async () => {
      const { gateway, openai } = fixture;
      const id = `early-${Date.now()}`;
      const before = await trial(gateway);
      expect((await feedback(gateway, { request_id: id, metric: 'resolved', value: true })).status).toBe(202);
      expect((await trial(gateway)).unmatched_feedback).toBe(before.unmatched_feedback + 1);
      const served = await ask(openai, 'user-early', { 'x-request-id': id });
      expect(served.id).toBe(id);
      await expect.poll(async () => (await trial(gateway)).unmatched_feedback, { timeout: 10_000 }).toBe(before.unmatched_feedback);
      const arm = (await trial(gateway)).arms.find((a) => a.name === served.arm);
      expect(arm?.metrics.resolved?.n).toBe((before.arms.find((a) => a.name === served.arm)?.metrics.resolved?.n ?? 0) + 1);
    });

    it('a batch with one bad item stores nothing, and the error names the field', async () => {
      const { gateway } = fixture;
      const before = await trial(gateway);
      const response = await feedback(gateway, [
        { request_id: 'batch-1', metric: 'resolved', value: true },
        { request_id: 'batch-2', metric: 'resolved', value: 'yes' },
      ]);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', param: '[1].value', code: 'invalid_request' } });
      expect((await trial(gateway)).unmatched_feedback).toBe(before.unmatched_feedback);

      const unknown = await feedback(gateway, { request_id: 'x', metric: 'nope', value: 1 });
      expect(await unknown.json()).toMatchObject({ error: { param: 'metric' } });
      const malformed = await feedback(gateway, '{"request_id":');
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ error: { code: 'invalid_json' } });
      const tooMany = await feedback(gateway, Array.from({ length: 1001 }, (_, i) => ({ request_id: `r${i}`, metric: 'resolved', value: true })));
      expect(tooMany.status).toBe(400);
      const longId = await feedback(gateway, { request_id: 'x'.repeat(300), metric: 'resolved', value: true });
      expect(await longId.json()).toMatchObject({ error: { param: 'request_id' } });
      // The body is bounded: a client cannot make the gateway read megabytes of feedback.
      const huge = await feedback(gateway, { request_id: 'a', metric: 'resolved', value: true, padding: 'x'.repeat(1_100_000) });
      expect(huge.status).toBe(413);
      expect((await trial(gateway)).unmatched_feedback).toBe(before.unmatched_feedback);
    });

    it('the health route shows the store', async () => {
      const health = (await (await fetch(`${fixture.gateway.url}/_temperance/health`)).json()) as { store: { kind: string; dropped: number } | null };
      expect(health.store?.kind).toBe(runtime.name === 'node' ? 'sqlite' : 'd1');
      expect(health.store?.dropped).toBe(0);
    });
  });

  describe('on a keyed gateway', () => {
    const fixture = useGateway(runtime, {
      env: { OPENAI_API_KEY: 'sk-upstream-outcomes-1', GATEWAY_API_KEYS: 'gw-outcomes-key-1', ADMIN_API_KEY: 'admin-outcomes-key-1' },
      apiKey: 'gw-outcomes-key-1',
    });

    it('feedback without a key is 401; a gateway key or the admin key is taken', async () => {
      const { gateway, openai } = fixture;
      const served = await ask(openai, 'keyed-user');
      const none = await feedback(gateway, { request_id: served.id, metric: 'resolved', value: true });
      expect(none.status).toBe(401);
      const wrong = await feedback(gateway, { request_id: served.id, metric: 'resolved', value: true }, { authorization: 'Bearer nope' });
      expect(wrong.status).toBe(401);
      expect((await feedback(gateway, { request_id: served.id, metric: 'resolved', value: true }, { authorization: 'Bearer gw-outcomes-key-1' })).status).toBe(202);
      expect((await feedback(gateway, { request_id: served.id, metric: 'resolved', value: false }, { authorization: 'Bearer admin-outcomes-key-1' })).status).toBe(202);
      // Results need the admin key; the replaced value (false) is the one counted.
      expect((await fetch(`${gateway.url}/_temperance/experiments.json`, { headers: { authorization: 'Bearer gw-outcomes-key-1' } })).status).toBe(401);
      await expect.poll(async () => (await trial(gateway, { authorization: 'Bearer admin-outcomes-key-1' })).arms.find((a) => a.name === served.arm)?.metrics.resolved, { timeout: 10_000 })
        .toEqual({ n: 1, mean: 0 });
    });
  });
}

/** Without a store: arms still drawn; feedback 503 store_unavailable; the results say how to add one. */
export function defineNoStoreCases(runtime: Runtime): void {
  const fixture = useGateway(runtime);
  it('feedback is 503 store_unavailable and the results say how to add a store', async () => {
    const { gateway, openai } = fixture;
    const served = await ask(openai, 'no-store-user');
    expect(['control', 'cool']).toContain(served.arm);
    const response = await feedback(gateway, { request_id: served.id, metric: 'resolved', value: true });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'store_unavailable', type: 'server_error' } });
    const body = await results(gateway);
    expect(body.store).toBeNull();
    expect(JSON.stringify(body)).toContain('TEMPERANCE_DB');
  });
}
