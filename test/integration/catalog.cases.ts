// Base models (contract §7) on every runtime: a stand-in that answers like OpenAI does for a
// reasoning model (400 unsupported_parameter for temperature, top_p, max_tokens) refuses the
// call sent straight to it, and the same call through the gateway succeeds — with and without a
// policy, on chat completions, responses and streams — with the decisions in traces.json.
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../support/gateway-fixture.ts';
import { defaultHandler, sendJson, type Handler } from '../support/fake-upstream.ts';
import { caught } from '../support/openai-client.ts';
import type { RunningGateway, Runtime } from '../support/runtimes.ts';

const ADMIN_KEY = 'admin-key-catalog-Qw3';
/** No fixture policy governs it: family.json claims `ft:o4-mini:*`, not the dated base. */
const UNGOVERNED = 'ft:o4-mini-2025-04-16:acme:triage:4kL';
/** Governed by test/fixtures/policies/family.json (drops temperature and top_p, fixes presence_penalty 0, seed 42). */
const GOVERNED = 'ft:o4-mini:acme:reason:2';
const user = { role: 'user' as const, content: 'Triage this ticket.' };

/** OpenAI's answer to a reasoning model asked for a parameter it refuses. */
const REFUSED: Record<string, readonly string[]> = { '/v1/chat/completions': ['temperature', 'top_p', 'max_tokens'], '/v1/responses': ['temperature', 'top_p'] };
const reasoningUpstream: Handler = (request, response) => {
  const refused = REFUSED[request.url.split('?')[0] ?? ''] ?? [];
  const body = request.method === 'POST' ? request.json() : {};
  const param = refused.find((name) => Object.hasOwn(body, name));
  if (param === undefined) return defaultHandler(request, response);
  const message = param === 'max_tokens'
    ? "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."
    : `Unsupported parameter: '${param}' is not supported with this model.`;
  return sendJson(response, 400, { error: { message, type: 'invalid_request_error', param, code: 'unsupported_parameter' } });
};

type Decision = { param: string; rule: string; requested?: unknown; applied?: unknown; base?: string; reason?: string };
type TraceRecord = { requestedModel?: string; policy?: string; route: string; stream: boolean; status: number; decisions: Decision[] };

async function latestRecord(gateway: RunningGateway): Promise<TraceRecord> {
  // Records are written when the response has ended: give a stream's record a moment.
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const response = await fetch(`${gateway.url}/_temperance/traces.json`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const records: TraceRecord[] = JSON.parse(await response.text());
    if (records[0] !== undefined && records[0].status !== 0) return records[0];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no finished trace record');
}

const pick = (decisions: Decision[]) => decisions.map(({ param, rule, requested, applied, base }) => ({ param, rule, requested, applied, base }));

export function defineCatalogCases(runtime: Runtime): void {
  describe('with the catalog on (the default)', () => {
    const fixture = useGateway(runtime, { env: { ADMIN_API_KEY: ADMIN_KEY } });
    const direct = () => new OpenAI({ baseURL: fixture.upstream.url, apiKey: 'sk-client-key-0001', maxRetries: 0 });
    const reasoning = () => { fixture.upstream.handler = reasoningUpstream; };

    it('chat, no policy: the call OpenAI refuses succeeds, without temperature, with max_completion_tokens', async () => {
      reasoning();
      const request = { model: UNGOVERNED, messages: [user], temperature: 0.7, max_tokens: 500 };
      const refused = await caught(direct().chat.completions.create(request));
      expect(refused.status).toBe(400);
      expect(refused.code).toBe('unsupported_parameter');
      expect(refused.param).toBe('temperature');

      const { data, response } = await fixture.openai.chat.completions.create(request).withResponse();
      expect(data.choices[0]?.message.content).toBe('Hello from the stand-in upstream.');
      expect(response.headers.get('x-temperance-policy')).toBeNull();
      expect(fixture.upstream.last.json()).toEqual({ model: UNGOVERNED, messages: [user], max_completion_tokens: 500 });

      const record = await latestRecord(fixture.gateway);
      expect(record.policy).toBeUndefined();
      expect(pick(record.decisions)).toEqual([
        { param: 'temperature', rule: 'unsupported', requested: 0.7, applied: undefined, base: 'o4-mini' },
        { param: 'max_tokens', rule: 'renamed', requested: 500, applied: 500, base: 'o4-mini' },
      ]);
      expect(record.decisions[0]?.reason).toContain('o4-mini does not accept temperature');
    });

    it('chat under a policy: its rules first, then what the base refuses or renames', async () => {
      reasoning();
      const request = { model: GOVERNED, messages: [user], temperature: 0.7, top_p: 0.5, presence_penalty: 1, frequency_penalty: 0.4, max_tokens: 500 };
      expect((await caught(direct().chat.completions.create(request))).code).toBe('unsupported_parameter');

      const { response } = await fixture.openai.chat.completions.create(request).withResponse();
      expect(response.headers.get('x-temperance-policy')).toBe('family');
      expect(fixture.upstream.last.json()).toEqual({ model: GOVERNED, messages: [user], presence_penalty: 0, seed: 42, max_completion_tokens: 500 });
      const record = await latestRecord(fixture.gateway);
      expect(record.policy).toBe('family');
      expect(record.decisions.map((d) => `${d.param}:${d.rule}`)).toEqual([
        'temperature:drop', 'top_p:drop', 'presence_penalty:fixed', 'seed:default', 'frequency_penalty:unsupported', 'max_tokens:renamed',
      ]);
    });

    it('responses, no policy: temperature and top_p removed; max_output_tokens is its own name', async () => {
      reasoning();
      const request = { model: UNGOVERNED, input: 'Triage this ticket.', temperature: 0.7, top_p: 0.9, max_output_tokens: 300 };
      expect((await caught(direct().responses.create(request))).param).toBe('temperature');
      const answer = await fixture.openai.responses.create(request);
      expect(answer.output_text).toBe('Hello from the stand-in upstream.');
      expect(fixture.upstream.last.json()).toEqual({ model: UNGOVERNED, input: 'Triage this ticket.', max_output_tokens: 300 });
      expect(pick((await latestRecord(fixture.gateway)).decisions).map((d) => [d.param, d.rule, d.base])).toEqual([
        ['temperature', 'unsupported', 'o4-mini'], ['top_p', 'unsupported', 'o4-mini'],
      ]);
    });

    it('streamed chat, with and without a policy: the stream arrives, the refused parameters never left', async () => {
      reasoning();
      for (const model of [UNGOVERNED, GOVERNED]) {
        const request = { model, messages: [user], temperature: 0.7, max_tokens: 50, stream: true as const };
        expect((await caught(direct().chat.completions.create(request))).status).toBe(400);
        const stream = await fixture.openai.chat.completions.create(request);
        let text = '';
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
        expect(text).toBe('Hello from upstream');
        const sent = fixture.upstream.last.json();
        expect(sent).not.toHaveProperty('temperature');
        expect(sent).not.toHaveProperty('max_tokens');
        expect(sent.max_completion_tokens).toBe(50);
        const record = await latestRecord(fixture.gateway);
        expect(record.stream).toBe(true);
        expect(record.decisions.filter((d) => d.rule === 'renamed' || d.rule === 'unsupported' || d.rule === 'drop').map((d) => d.param)).toEqual(['temperature', 'max_tokens']);
      }
    });

    it('streamed responses, no policy', async () => {
      reasoning();
      const request = { model: UNGOVERNED, input: 'Hi', top_p: 0.9, stream: true as const };
      expect((await caught(direct().responses.create(request))).param).toBe('top_p');
      const stream = await fixture.openai.responses.create(request);
      let text = '';
      for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
      expect(text).toBe('Hello from upstream');
      expect(fixture.upstream.last.json()).toEqual({ model: UNGOVERNED, input: 'Hi', stream: true });
      expect(pick((await latestRecord(fixture.gateway)).decisions).map((d) => d.param)).toEqual(['top_p']);
    });

    it("a body the base takes as it is goes out as the client's own bytes", async () => {
      const raw = `{"model":"${UNGOVERNED}","messages":[{"role":"user","content":"Hi"}],"max_completion_tokens":50,"temperature":1,"seed":12345678901234567890}`;
      const response = await fetch(`${fixture.gateway.url}/v1/chat/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client-key-0001' }, body: raw,
      });
      expect(response.status).toBe(200);
      expect(fixture.upstream.last.text).toBe(raw);
    });

    it('GET /_temperance/policies shows each policy\'s base and what it inherits', async () => {
      const response = await fetch(`${fixture.gateway.url}/_temperance/policies`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      const { policies }: { policies: { name: string; base: unknown; model_catalog: string }[] } = JSON.parse(await response.text());
      const family = policies.find((policy) => policy.name === 'family');
      expect(family).toMatchObject({
        model_catalog: 'on',
        base: {
          id: 'o4-mini', stated: false, family: 'o4-mini', defaultEffort: 'medium',
          inherits: {
            chat: { refuses: expect.arrayContaining([{ param: 'temperature', only: 1 }, { param: 'logit_bias' }]), renames: { max_tokens: 'max_completion_tokens' } },
            responses: { refuses: [{ param: 'temperature', only: 1 }, { param: 'top_p', only: 1 }] },
          },
          sources: expect.arrayContaining(['https://platform.openai.com/docs/guides/reasoning#limitations']),
        },
      });
      expect(policies.find((policy) => policy.name === 'clamp')).toMatchObject({ base: { id: 'gpt-4o-mini', family: 'gpt-4o-mini', inherits: {} } });
    });

    it('a huge refused value goes, and its trace record keeps only its type and size', async () => {
      const logitBias = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [String(i), -100]));
      await fixture.openai.chat.completions.create({ model: UNGOVERNED, messages: [user], logit_bias: logitBias });
      expect(fixture.upstream.last.json()).not.toHaveProperty('logit_bias');
      const [decision] = (await latestRecord(fixture.gateway)).decisions;
      expect(decision).toMatchObject({ param: 'logit_bias', rule: 'unsupported', requested: { omitted: 'object', size: 5000 } });
    });

    it('a model the catalog does not know is forwarded as sent', async () => {
      const raw = '{"model":"my-own-lora","messages":[{"role":"user","content":"Hi"}],"temperature":0.7,"max_tokens":5}';
      await fetch(`${fixture.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client-key-0001' }, body: raw });
      expect(fixture.upstream.last.text).toBe(raw);
    });
  });

  describe('with MODEL_CATALOG=off', () => {
    const fixture = useGateway(runtime, { env: { MODEL_CATALOG: 'off' } });

    it('forwards what the base refuses, and the upstream answers with its 400', async () => {
      fixture.upstream.handler = reasoningUpstream;
      const error = await caught(fixture.openai.chat.completions.create({ model: UNGOVERNED, messages: [user], temperature: 0.7, max_tokens: 500 }));
      expect(error.status).toBe(400);
      expect(error.code).toBe('unsupported_parameter');
      expect(fixture.upstream.last.json()).toMatchObject({ temperature: 0.7, max_tokens: 500 });
    });
  });
}
