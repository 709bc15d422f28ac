// Experiments end to end with the official SDK, the same cases on Node and workerd: the unit
// from each sticky source, the arm's rules at the upstream, the headers, forcing, unknown_arm,
// a persona's experiment beside the file's, streaming and /v1/responses, the trace record.
import { describe, expect, it } from 'vitest';
import { drawForUnit } from '../../src/experiment/draw.ts';
import { unitDigest } from '../../src/experiment/unit.ts';
import { useGateway } from '../support/gateway-fixture.ts';
import { caught } from '../support/openai-client.ts';
import type { Runtime } from '../support/runtimes.ts';
import { logLines } from '../support/log-lines.ts';

const TRIAL = 'ft:gpt-4o-mini:acme:trial:1';
const TRIAL_ARMS = [{ name: 'control', weight: 50 }, { name: 'cool', weight: 50 }, { name: 'hidden', weight: 0 }];
const CHUM_ARMS = [{ name: 'calm', weight: 1 }, { name: 'lively', weight: 1 }];
const user = { role: 'user' as const, content: 'Hi' };

/** The first `prefix-N` unit the pure draw sends to `arm`: the gateway must agree with it. */
function unitOn(experiment: string, arms: readonly { name: string; weight: number }[], arm: string, prefix: string): string {
  for (let i = 0; i < 1000; i += 1) {
    if (drawForUnit(experiment, `${prefix}-${i}`, arms).name === arm) return `${prefix}-${i}`;
  }
  throw new Error(`no unit lands on ${arm}`);
}


type TraceRecord = { id: string; policy?: string; experiment?: { name: string; arm: string; forced: boolean; unitDigest?: string; policyDigest: string } };

export function defineExperimentCases(runtime: Runtime): void {
  const fixture = useGateway(runtime, { apiKey: 'sk-client-key-0011' });
  const { upstream } = fixture;
  const coolUser = unitOn('trial-temperature', TRIAL_ARMS, 'cool', 'user');
  const controlUser = unitOn('trial-temperature', TRIAL_ARMS, 'control', 'user');

  async function traces(query = ''): Promise<TraceRecord[]> {
    const response = await fetch(`${fixture.gateway.url}/_temperance/traces.json${query}`);
    return JSON.parse(await response.text());
  }

  describe('sticky arms', () => {
    it('by user: two users on two arms, each arm\'s temperature and system message at the upstream, headers on the response', async () => {
      const cool = await fixture.openai.chat.completions.create({ model: 'trial', messages: [{ role: 'system', content: 'Mine.' }, user], user: coolUser }).withResponse();
      expect(cool.response.headers.get('x-temperance-experiment')).toBe('trial-temperature');
      expect(cool.response.headers.get('x-temperance-arm')).toBe('cool');
      expect(cool.response.headers.get('x-temperance-policy')).toBe('trial');
      expect(upstream.last.json()).toEqual({ model: TRIAL, messages: [{ role: 'system', content: 'You are Trial, cooler.' }, user], user: coolUser, temperature: 0.2 });
      expect(upstream.last.headers['x-temperance-arm']).toBeUndefined();

      const control = await fixture.openai.chat.completions.create({ model: 'trial', messages: [user], user: controlUser, temperature: 0.75 }).withResponse();
      expect(control.response.headers.get('x-temperance-arm')).toBe('control');
      expect(upstream.last.json()).toEqual({ model: TRIAL, messages: [{ role: 'system', content: 'You are Trial.' }, user], user: controlUser, temperature: 0.75 });
    });

    it('the same user keeps the same arm on every request', async () => {
      const arms = new Set<string | null>();
      for (let i = 0; i < 5; i += 1) {
        const { response } = await fixture.openai.chat.completions.create({ model: TRIAL, messages: [user], user: coolUser }).withResponse();
        arms.add(response.headers.get('x-temperance-arm'));
      }
      expect([...arms]).toEqual(['cool']);
    });

    it('by safety_identifier before user', async () => {
      const { response } = await fixture.openai.chat.completions.create({ model: TRIAL, messages: [user], safety_identifier: coolUser, user: controlUser }).withResponse();
      expect(response.headers.get('x-temperance-arm')).toBe('cool');
      expect(upstream.last.json().temperature).toBe(0.2);
    });

    it('a persona\'s own experiment by header, then by metadata.KEY; the file\'s experiment does not apply to it', async () => {
      const calm = unitOn('chum-tone', CHUM_ARMS, 'calm', 'session');
      const lively = unitOn('chum-tone', CHUM_ARMS, 'lively', 'account');
      const byHeader = await fixture.openai.chat.completions.create({ model: 'chum', messages: [user], metadata: { account: lively } }, { headers: { 'x-session-id': calm } }).withResponse();
      expect(byHeader.response.headers.get('x-temperance-experiment')).toBe('chum-tone');
      expect(byHeader.response.headers.get('x-temperance-arm')).toBe('calm');
      expect(byHeader.response.headers.get('x-temperance-policy')).toBe('trial/chum');
      expect(upstream.last.json()).toMatchObject({ model: TRIAL, temperature: 0.1, messages: [{ role: 'system', content: 'You are Chum.' }, user] });

      const byMetadata = await fixture.openai.chat.completions.create({ model: 'chum', messages: [user], metadata: { account: lively }, user: 'not-a-source-here' }).withResponse();
      expect(byMetadata.response.headers.get('x-temperance-arm')).toBe('lively');
      expect(upstream.last.json().temperature).toBe(0.9);
    });
  });

  describe('forcing', () => {
    it('x-temperance-arm selects an arm, weight 0 included, and the record says forced', async () => {
      const { response } = await fixture.openai.chat.completions.create({ model: TRIAL, messages: [user], user: controlUser }, { headers: { 'x-temperance-arm': 'hidden' } }).withResponse();
      expect(response.headers.get('x-temperance-arm')).toBe('hidden');
      expect(upstream.last.json().temperature).toBe(1.1);
      const id = response.headers.get('x-temperance-request-id');
      await expect.poll(async () => (await traces()).find((record) => record.id === id)?.experiment).toMatchObject({ name: 'trial-temperature', arm: 'hidden', forced: true });
    });

    it('x-temperance-arm on a model without an experiment selects nothing and is not forwarded', async () => {
      const { response } = await fixture.openai.chat.completions.create({ model: 'ft:gpt-4o-mini:acme:clamp:1', messages: [user] }, { headers: { 'x-temperance-arm': 'cool' } }).withResponse();
      expect(response.status).toBe(200);
      expect(response.headers.get('x-temperance-policy')).toBe('clamp');
      expect(response.headers.get('x-temperance-arm')).toBeNull();
      expect(upstream.last.headers['x-temperance-arm']).toBeUndefined();
    });

    it('an unknown arm is 400 unknown_arm, param null, nothing sent upstream, the experiment named', async () => {
      const error = await caught(fixture.openai.chat.completions.create({ model: TRIAL, messages: [user] }, { headers: { 'x-temperance-arm': 'warm' } }));
      expect(error.status).toBe(400);
      expect(error.code).toBe('unknown_arm');
      expect(error.param).toBeNull();
      expect(error.type).toBe('invalid_request_error');
      expect(error.message).toContain('trial-temperature');
      expect(error.headers?.get('x-temperance-experiment')).toBe('trial-temperature');
      expect(error.headers?.get('x-temperance-policy')).toBe('trial');
      expect(upstream.requests).toHaveLength(0);
    });

    it('the gateway\'s own refusal after the draw carries the arm', async () => {
      const response = await fetch(`${fixture.gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client-key-0011' },
        body: JSON.stringify({ model: TRIAL, messages: [user], user: coolUser, temperature: 'hot' }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_type', param: 'temperature' } });
      expect(response.headers.get('x-temperance-experiment')).toBe('trial-temperature');
      expect(response.headers.get('x-temperance-arm')).toBe('cool');
      expect(upstream.requests).toHaveLength(0);
    });
  });

  describe('streaming and /v1/responses under an experiment', () => {
    it('a chat stream gets the arm\'s rules and headers, chunks pass through', async () => {
      const { data: stream, response } = await fixture.openai.chat.completions.create({ model: TRIAL, messages: [user], user: coolUser, stream: true }).withResponse();
      const pieces: string[] = [];
      for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? '');
      expect(pieces.join('')).toBe('Hello from upstream');
      expect(response.headers.get('x-temperance-arm')).toBe('cool');
      expect(upstream.last.json()).toMatchObject({ temperature: 0.2, stream: true });
    });

    it('/v1/responses: the arm\'s instructions and temperature, streamed and not', async () => {
      const { response } = await fixture.openai.responses.create({ model: 'trial', input: 'Hi', user: coolUser }).withResponse();
      expect(response.headers.get('x-temperance-arm')).toBe('cool');
      expect(upstream.last.json()).toMatchObject({ model: TRIAL, instructions: 'You are Trial, cooler.', temperature: 0.2 });

      const streamed = await fixture.openai.responses.create({ model: 'trial', input: 'Hi', safety_identifier: controlUser, stream: true }).withResponse();
      const deltas: string[] = [];
      for await (const event of streamed.data) if (event.type === 'response.output_text.delta') deltas.push(event.delta);
      expect(deltas.join('')).toBe('Hello from upstream');
      expect(streamed.response.headers.get('x-temperance-arm')).toBe('control');
      expect(upstream.last.json()).toMatchObject({ instructions: 'You are Trial.', temperature: 0.6, stream: true });
    });
  });

  describe('what is seen', () => {
    it('traces.json: the experiment, the arm, a digest of the unit (never the unit), filters by policy and arm', async () => {
      const { response } = await fixture.openai.chat.completions.create({ model: TRIAL, messages: [user], user: coolUser }).withResponse();
      const id = response.headers.get('x-temperance-request-id');
      await expect.poll(async () => (await traces()).some((record) => record.id === id)).toBe(true);
      const records = await traces();
      const mine = records.find((record) => record.id === id);
      expect(mine?.experiment).toEqual({ name: 'trial-temperature', arm: 'cool', forced: false, unitDigest: unitDigest(coolUser), policyDigest: expect.stringMatching(/^[0-9a-f]{16}$/) });
      expect(JSON.stringify(mine)).not.toContain(coolUser);

      const cool = await traces('?arm=cool');
      expect(cool.length).toBeGreaterThan(0);
      expect(cool.every((record) => record.experiment?.arm === 'cool')).toBe(true);
      expect((await traces('?policy=trial%2Fchum')).every((record) => record.policy === 'trial/chum')).toBe(true);
      expect(await traces('?arm=trial-temperature:cool')).toEqual(cool);
    });

    it('the request\'s log line names the experiment and the arm, never the unit', async () => {
      await fixture.openai.chat.completions.create({ model: TRIAL, messages: [user], user: coolUser }, { headers: { 'x-request-id': 'req-experiment-log-1' } });
      await expect.poll(() => logLines(fixture.gateway.output()).find((line) => line.id === 'req-experiment-log-1'), { timeout: 5000 }).toMatchObject({
        msg: 'request', policy: 'trial', experiment: 'trial-temperature', arm: 'cool', arm_forced: false, status: 200,
      });
      const line = logLines(fixture.gateway.output()).find((entry) => entry.id === 'req-experiment-log-1');
      expect(JSON.stringify(line)).not.toContain(coolUser);
    });

    it('a request without a unit still gets an arm of weight above 0', async () => {
      const seen = new Set<string | null>();
      for (let i = 0; i < 12; i += 1) {
        const { response } = await fixture.openai.chat.completions.create({ model: TRIAL, messages: [user] }).withResponse();
        seen.add(response.headers.get('x-temperance-arm'));
      }
      expect(seen.has('hidden')).toBe(false);
      expect([...seen].every((arm) => arm === 'control' || arm === 'cool')).toBe(true);
    });

    it('GET /_temperance/policies lists each experiment\'s arms, weights and effective rules', async () => {
      const response = await fetch(`${fixture.gateway.url}/_temperance/policies`);
      const body = JSON.parse(await response.text());
      const trial = body.policies.find((policy: { name: string }) => policy.name === 'trial');
      expect(trial.experiment).toMatchObject({
        name: 'trial-temperature', sticky: ['safety_identifier', 'user'], control: 'control', metrics: { resolved: { type: 'boolean', goal: 'max' } },
        arms: [
          { name: 'control', weight: 50, sampling: { temperature: { default: 0.6, max: 0.8 } }, out_of_range: 'clamp', system: { text: 'You are Trial.', mode: 'prepend', role: 'system' } },
          { name: 'cool', weight: 50, sampling: { temperature: { default: 0.2, max: 0.4 } }, system: { text: 'You are Trial, cooler.', mode: 'replace', role: 'system' } },
          { name: 'hidden', weight: 0, sampling: { temperature: { fixed: 1.1 } } },
        ],
      });
      expect(body.experiments.map((experiment: { name: string }) => experiment.name)).toEqual(['trial-temperature', 'chum-tone']);
    });

    it('a model without an experiment gets no experiment headers', async () => {
      const { response } = await fixture.openai.chat.completions.create({ model: 'clampy', messages: [user], user: coolUser }).withResponse();
      expect(response.headers.get('x-temperance-experiment')).toBeNull();
      expect(response.headers.get('x-temperance-arm')).toBeNull();
    });
  });
}
