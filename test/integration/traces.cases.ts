// Traces on every runtime: what a real OTLP/HTTP receiver gets from the gateway for plain,
// clamped, rejected, streamed and failed requests; the admin routes; keys never leaking; and a
// dead or hanging collector never slowing a request.
import type OpenAI from 'openai';
import { caught, client } from '../support/openai-client.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeUpstream, chatChunk, defaultHandler, sendJson, sseEvent, type Handler } from '../support/fake-upstream.ts';
import { OtlpReceiver, type ExportedSpan } from '../support/otlp-receiver.ts';
import { freePort, type RunningGateway, type Runtime } from '../support/runtimes.ts';

const CLAMP = 'ft:gpt-4o-mini:acme:clamp:1';
const REJECT = 'ft:gpt-4o-mini:acme:reject:1';
const user = { role: 'user' as const, content: 'Tell me about sharks.' };
// OTLP SpanKind numbers.
const SERVER = 2;
const CLIENT = 3;

// Every secret the gateway handles in these tests: none may reach a span, page or JSON.
const UPSTREAM_KEY = 'sk-upstream-secret-7Hq2';
const GATEWAY_KEY = 'gw-secret-key-Xy81';
const ADMIN_KEY = 'admin-secret-key-Pz44';
const CLIENT_OWN_KEY = 'sk-client-own-key-Lm09';
const SECRETS = [UPSTREAM_KEY, GATEWAY_KEY, ADMIN_KEY, CLIENT_OWN_KEY];

/** A stand-in that streams and, like OpenAI, adds the usage chunk only when asked. */
const usageAwareStream: Handler = (request, response) => {
  if (request.method !== 'POST' || !request.text.includes('"stream":true')) return defaultHandler(request, response);
  const body = request.json();
  const model = String(body.model);
  const options = body.stream_options;
  const wantsUsage = typeof options === 'object' && options !== null && 'include_usage' in options && options.include_usage === true;
  const extra = wantsUsage ? { usage: null } : {};
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  response.write(sseEvent({ ...chatChunk(model, ''), ...extra }));
  for (const piece of ['Sharks', ' are', ' fish.']) response.write(sseEvent({ ...chatChunk(model, piece), ...extra }));
  response.write(sseEvent({ ...chatChunk(model, null, 'stop'), ...extra }));
  if (wantsUsage) response.write(`data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model, choices: [], usage: { prompt_tokens: 21, completion_tokens: 4, total_tokens: 25 } })}\r\n\r\n`);
  response.end(sseEvent('[DONE]'));
};

function byKind(spans: ExportedSpan[], kind: number): ExportedSpan {
  const span = spans.find((candidate) => candidate.kind === kind);
  if (span === undefined) throw new Error(`no span of kind ${kind} in ${spans.map((s) => s.name).join(', ')}`);
  return span;
}

type TraceRecord = { id: string; seq: number; traceId?: string; policy?: string; status: number; stream?: boolean; timeToFirstTokenMs?: number; parameters: Record<string, { requested?: unknown; applied?: unknown }>; usage?: { inputTokens?: number; outputTokens?: number } };

async function adminJson(gateway: RunningGateway, path: string, key: string | undefined): Promise<{ status: number; text: string }> {
  const response = await fetch(`${gateway.url}/_temperance/${path}`, key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, text: await response.text() };
}

async function latestRecord(gateway: RunningGateway, key: string): Promise<TraceRecord> {
  const { text } = await adminJson(gateway, 'traces.json', key);
  const records: TraceRecord[] = JSON.parse(text);
  const [latest] = records;
  if (latest === undefined) throw new Error('no trace records');
  return latest;
}

export function defineTraceCases(runtime: Runtime): void {
  const upstream = new FakeUpstream();
  const collector = new OtlpReceiver();
  let gateway: RunningGateway;
  let openai: OpenAI;

  beforeAll(async () => {
    await Promise.all([upstream.start(), collector.start()]);
    gateway = await runtime.start({
      OPENAI_BASE_URL: upstream.url,
      OPENAI_API_KEY: UPSTREAM_KEY,
      GATEWAY_API_KEYS: GATEWAY_KEY,
      ADMIN_API_KEY: ADMIN_KEY,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-token=tok%3Done',
      OTEL_SERVICE_NAME: 'temperance-under-test',
      OTEL_METRIC_EXPORT_INTERVAL: '300',
    });
    openai = client(gateway, GATEWAY_KEY);
  });
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([upstream.stop(), collector.stop()]);
  });
  beforeEach(() => upstream.reset());

  /** The trace of the request just made, via its record on traces.json. */
  async function lastTrace(count: number): Promise<{ record: TraceRecord; spans: ExportedSpan[] }> {
    const record = await latestRecord(gateway, ADMIN_KEY);
    if (record.traceId === undefined) throw new Error('the record has no trace id');
    return { record, spans: await collector.trace(record.traceId, count) };
  }

  describe('exported spans', () => {
    it('a plain request: a SERVER span and its CLIENT child `chat {model}` with the GenAI attributes', async () => {
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [user], temperature: 0.3, top_p: 1 });
      const { spans } = await lastTrace(2);
      const server = byKind(spans, SERVER);
      const chat = byKind(spans, CLIENT);
      expect(server.name).toBe('POST /v1/chat/completions');
      expect(chat.name).toBe('chat gpt-4o-mini');
      expect(chat.parentSpanId).toBe(server.spanId);
      expect(chat.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.request.temperature': 0.3,
        'gen_ai.request.top_p': 1,
        'gen_ai.response.model': 'gpt-4o-mini',
        'gen_ai.response.id': 'chatcmpl-fake',
        'gen_ai.response.finish_reasons': ['stop'],
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 7,
        'server.address': '127.0.0.1',
        'temperance.upstream': 'openai',
        'http.response.status_code': 200,
      });
      expect(chat.attributes).not.toHaveProperty('temperance.policy');
      expect(chat.attributes).not.toHaveProperty('error.type');
      expect(chat.attributes).not.toHaveProperty('gen_ai.input.messages');
      expect(server.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 200, 'url.path': '/v1/chat/completions' });
      expect(server.resource).toMatchObject({ 'service.name': 'temperance-under-test' });
      expect(collector.raw.some((entry) => entry.headers['x-collector-token'] === 'tok=one')).toBe(true);
    });

    it('a clamped request: the policy, requested and applied values, and the injected system message', async () => {
      await openai.chat.completions.create({ model: 'clampy', messages: [user], temperature: 1.7 });
      const { spans, record } = await lastTrace(2);
      const chat = byKind(spans, CLIENT);
      expect(chat.name).toBe(`chat ${CLAMP}`);
      expect(chat.attributes).toMatchObject({
        'temperance.policy': 'clamp',
        'temperance.request.model': 'clampy',
        'gen_ai.request.model': CLAMP,
        'gen_ai.request.temperature': 0.8,
        'gen_ai.request.top_p': 0.9,
        'temperance.temperature.requested': 1.7,
        'temperance.temperature.applied': 0.8,
        'temperance.decision.temperature.rule': 'clamp',
        'temperance.top_p.applied': 0.9,
        'temperance.decision.top_p.rule': 'default',
        'temperance.decision.model.rule': 'alias',
        'temperance.system.injected': true,
        'temperance.system.mode': 'prepend',
      });
      expect(chat.attributes).not.toHaveProperty('temperance.top_p.requested');
      const decisions = JSON.parse(String(chat.attributes['temperance.decisions']));
      expect(decisions).toEqual(expect.arrayContaining([
        { param: 'temperature', rule: 'clamp', requested: 1.7, applied: 0.8 },
        { param: 'model', rule: 'alias', requested: 'clampy', applied: CLAMP },
        expect.objectContaining({ param: 'system', rule: 'system', applied: 'prepend' }),
      ]));
      expect(byKind(spans, SERVER).attributes).toMatchObject({ 'temperance.policy': 'clamp', 'temperance.temperature.applied': 0.8 });
      expect(record.parameters.temperature).toEqual({ requested: 1.7, applied: 0.8 });
    });

    it('a request under an experiment: both spans carry temperance.experiment.{name,arm,forced}', async () => {
      await openai.chat.completions.create({ model: 'trial', messages: [user] }, { headers: { 'x-temperance-arm': 'cool' } });
      const { spans } = await lastTrace(2);
      for (const span of [byKind(spans, SERVER), byKind(spans, CLIENT)]) {
        expect(span.attributes).toMatchObject({
          'temperance.experiment.name': 'trial-temperature', 'temperance.experiment.arm': 'cool', 'temperance.experiment.forced': true,
          'temperance.policy': 'trial', 'temperance.temperature.applied': 0.2,
        });
      }
    });

    it('a rejected request: only the SERVER span, with the policy and error.type, nothing sent upstream', async () => {
      await caught(openai.chat.completions.create({ model: REJECT, messages: [user], temperature: 1.2 }));
      expect(upstream.requests).toHaveLength(0);
      const { spans, record } = await lastTrace(1);
      expect(spans).toHaveLength(1);
      const server = byKind(spans, SERVER);
      expect(server.attributes).toMatchObject({
        'temperance.policy': 'reject', 'error.type': 'policy_violation', 'http.response.status_code': 400,
        'temperance.temperature.requested': 1.2,
      });
      expect(server.attributes).not.toHaveProperty('temperance.temperature.applied');
      expect(record.status).toBe(400);
    });

    it('a stream: usage counted through the hidden usage chunk, first-token time, the client sees only what it asked for', async () => {
      upstream.handler = usageAwareStream;
      const stream = await openai.chat.completions.create({ model: CLAMP, messages: [user], stream: true });
      const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Sharks are fish.');
      // The usage-only chunk the gateway asked for never reaches the client.
      expect(chunks.every((chunk) => chunk.choices.length > 0)).toBe(true);
      expect(upstream.last.json().stream_options).toEqual({ include_usage: true });
      const { spans } = await lastTrace(2);
      const chat = byKind(spans, CLIENT);
      expect(chat.attributes).toMatchObject({
        'gen_ai.usage.input_tokens': 21, 'gen_ai.usage.output_tokens': 4, 'gen_ai.response.finish_reasons': ['stop'],
        'temperance.usage_added': true, 'gen_ai.request.temperature': 0.6,
      });
      const record = await latestRecord(gateway, ADMIN_KEY);
      expect(record).toMatchObject({ usage: { inputTokens: 21, outputTokens: 4 } });
    });

    it('a stream whose client asked for usage itself keeps its usage chunk', async () => {
      upstream.handler = usageAwareStream;
      const stream = await openai.chat.completions.create({ model: CLAMP, messages: [user], stream: true, stream_options: { include_usage: true } });
      const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 21, completion_tokens: 4 });
      const { spans } = await lastTrace(2);
      expect(byKind(spans, CLIENT).attributes).not.toHaveProperty('temperance.usage_added');
    });

    it('asks for usage in the client bytes of an unchanged governed stream, and not at all for an ungoverned one', async () => {
      upstream.handler = usageAwareStream;
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}` };
      const governed = `{"model":"${CLAMP}","messages":[{"role":"system","content":"You are Clamp."},{"role":"user","content":"Hi"}],"temperature":0.5,"top_p":0.9,"stream":true,"seed":12345678901234567890}`;
      const text = await (await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers, body: governed })).text();
      expect(upstream.last.text).toBe(`{"stream_options":{"include_usage":true},${governed.slice(1)}`);
      expect(text).not.toContain('"usage":{');
      expect(text).toContain('data: [DONE]');
      const ungoverned = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"stream":true}';
      await (await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers, body: ungoverned })).text();
      expect(upstream.last.text).toBe(ungoverned);
    });

    it('a client that hangs up mid-stream: the spans still end, with error.type cancelled', async () => {
      let stop = false;
      upstream.handler = async (request, response) => {
        const model = String(request.json().model);
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        // Keeps sending: workerd notices a hang-up only when it next writes to the client.
        for (let i = 0; i < 60 && !stop && !response.destroyed; i += 1) {
          response.write(sseEvent(chatChunk(model, `piece ${i} `)));
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        response.end();
      };
      const stream = await openai.chat.completions.create({ model: CLAMP, messages: [user], stream: true });
      // Leaving the loop makes the SDK abort the request: the client hangs up.
      for await (const _chunk of stream) break;
      try {
        const chat = await collector.waitFor(() => collector.spans.find((span) => span.kind === CLIENT && span.attributes['error.type'] === 'cancelled'), 'a cancelled CLIENT span');
        expect(chat.attributes).toMatchObject({ 'temperance.policy': 'clamp', 'http.response.status_code': 200 });
        expect(chat.status.code).toBe(2);
      } finally {
        stop = true;
      }
    });

    it('a Responses API stream: usage from response.completed, nothing asked or removed', async () => {
      upstream.handler = (request, response) => {
        const model = String(request.json().model);
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(`event: response.created\ndata: ${JSON.stringify({ type: 'response.created', response: { id: 'resp_s', model, status: 'in_progress' } })}\n\n`);
        response.write(`event: response.output_text.delta\ndata: ${JSON.stringify({ type: 'response.output_text.delta', delta: 'Fins.' })}\n\n`);
        response.end(`event: response.completed\ndata: ${JSON.stringify({ type: 'response.completed', response: { id: 'resp_s', model, status: 'completed', usage: { input_tokens: 9, output_tokens: 2, total_tokens: 11 } } })}\n\n`);
      };
      const events: string[] = [];
      for await (const event of await openai.responses.create({ model: CLAMP, input: 'Hi', stream: true })) events.push(event.type);
      expect(events).toEqual(['response.created', 'response.output_text.delta', 'response.completed']);
      expect(upstream.last.json()).not.toHaveProperty('stream_options');
      const { spans } = await lastTrace(2);
      expect(byKind(spans, CLIENT).attributes).toMatchObject({
        'gen_ai.response.id': 'resp_s', 'gen_ai.usage.input_tokens': 9, 'gen_ai.usage.output_tokens': 2, 'gen_ai.response.finish_reasons': ['stop'],
      });
      const record = await latestRecord(gateway, ADMIN_KEY);
      expect(record).toMatchObject({ stream: true, timeToFirstTokenMs: expect.any(Number) });
    });

    it('a failed upstream call: error.type and an error status on the CLIENT span', async () => {
      upstream.handler = (_request, response) => sendJson(response, 500, { error: { message: 'boom', type: 'server_error', param: null, code: null } });
      await caught(openai.chat.completions.create({ model: CLAMP, messages: [user] }));
      const { spans } = await lastTrace(2);
      const chat = byKind(spans, CLIENT);
      expect(chat.attributes).toMatchObject({ 'error.type': '500', 'http.response.status_code': 500, 'temperance.policy': 'clamp' });
      expect(chat.status.code).toBe(2); // ERROR
      expect(byKind(spans, SERVER).status.code).toBe(2);
    });

    it('the responses and completions routes get their operation names', async () => {
      await openai.responses.create({ model: CLAMP, input: 'Hi', temperature: 0.2 });
      const responses = byKind((await lastTrace(2)).spans, CLIENT);
      expect(responses.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 12, 'gen_ai.response.id': 'resp_fake', 'gen_ai.request.temperature': 0.2 });
      await openai.completions.create({ model: CLAMP, prompt: 'Hi', temperature: 0.5 });
      const completion = byKind((await lastTrace(2)).spans, CLIENT);
      expect(completion.name).toBe(`text_completion ${CLAMP}`);
      expect(completion.attributes).toMatchObject({ 'gen_ai.operation.name': 'text_completion', 'gen_ai.usage.output_tokens': 6 });
    });

    it("continues the client's traceparent and sends its own CLIENT span's context upstream", async () => {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const parent = '00f067aa0ba902b7';
      await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${GATEWAY_KEY}`, traceparent: `00-${traceId}-${parent}-01` },
        body: JSON.stringify({ model: CLAMP, messages: [user] }),
      });
      const spans = await collector.trace(traceId, 2);
      const server = byKind(spans, SERVER);
      const chat = byKind(spans, CLIENT);
      expect(server.parentSpanId).toBe(parent);
      expect(upstream.last.headers.traceparent).toBe(`00-${traceId}-${chat.spanId}-01`);
    });

    it('exports the GenAI metrics', async () => {
      await openai.chat.completions.create({ model: CLAMP, messages: [user] });
      const duration = await collector.waitFor(() => collector.metrics.find((metric) => metric.name === 'gen_ai.client.operation.duration'), 'the duration metric');
      expect(duration.unit).toBe('s');
      expect(duration.points[0]?.attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' });
      const tokens = await collector.waitFor(() => collector.metrics.find((metric) => metric.name === 'gen_ai.client.token.usage'), 'the token metric');
      expect(tokens.points.map((point) => point.attributes['gen_ai.token.type'])).toEqual(expect.arrayContaining(['input', 'output']));
    });
  });

  describe('the admin routes', () => {
    it('need the ADMIN_API_KEY (Bearer), and list records newest first', async () => {
      expect((await adminJson(gateway, 'traces.json', undefined)).status).toBe(401);
      expect((await adminJson(gateway, 'traces.json', GATEWAY_KEY)).status).toBe(401);
      expect((await adminJson(gateway, 'policies', undefined)).status).toBe(401);
      expect(JSON.parse((await adminJson(gateway, 'health', undefined)).text)).toMatchObject({ status: 'ok', policies: 6, store: null });

      await openai.chat.completions.create({ model: CLAMP, messages: [user], temperature: 0.2 });
      await openai.chat.completions.create({ model: CLAMP, messages: [user], temperature: 0.7 });
      const records: TraceRecord[] = JSON.parse((await adminJson(gateway, 'traces.json', ADMIN_KEY)).text);
      expect(records[0]?.parameters.temperature).toEqual({ requested: 0.7, applied: 0.7 });
      expect(records[1]?.parameters.temperature).toEqual({ requested: 0.2, applied: 0.2 });
      expect((records[0]?.seq ?? 0) > (records[1]?.seq ?? 0)).toBe(true);
      const newer: TraceRecord[] = JSON.parse((await adminJson(gateway, `traces.json?since=${records[0]?.seq}`, ADMIN_KEY)).text);
      expect(newer).toEqual([]);

      const policies = JSON.parse((await adminJson(gateway, 'policies', ADMIN_KEY)).text);
      expect(policies.policies).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'clamp', model: CLAMP, aliases: ['clampy'] })]));
      const page = await fetch(`${gateway.url}/_temperance/traces`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('recent requests');
      const login = await fetch(`${gateway.url}/_temperance/traces`, { headers: { accept: 'text/html' } });
      expect(login.status).toBe(401);
      expect(await login.text()).toContain('<form');
    });

    it('a key typed into the login form gives a cookie that opens the pages, and holds no key', async () => {
      const wrong = await fetch(`${gateway.url}/_temperance/login`, { method: 'POST', body: new URLSearchParams({ key: 'nope' }), redirect: 'manual' });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${gateway.url}/_temperance/login`, { method: 'POST', body: new URLSearchParams({ key: ADMIN_KEY }), redirect: 'manual' });
      expect(right.status).toBe(303);
      const cookie = (right.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      expect(cookie).toMatch(/^temperance_admin=[0-9a-f]{64}$/);
      expect(cookie).not.toContain(ADMIN_KEY);
      const records = await fetch(`${gateway.url}/_temperance/traces.json`, { headers: { cookie } });
      expect(records.status).toBe(200);
    });

    it('requests refused before any route (401, 404) are on traces.json, without the key they sent', async () => {
      const wrongKey = 'sk-wrong-key-Rf55';
      const refused = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${wrongKey}`, 'content-type': 'application/json' }, body: '{}' });
      expect(refused.status).toBe(401);
      const refusedId = refused.headers.get('x-temperance-request-id');
      // A key pasted into the URL is removed too, and a long path is cut.
      const unknown = await fetch(`${gateway.url}/v2/${GATEWAY_KEY}/${'x'.repeat(2000)}`, { headers: { authorization: `Bearer ${GATEWAY_KEY}` } });
      expect(unknown.status).toBe(404);
      const { text } = await adminJson(gateway, 'traces.json', ADMIN_KEY);
      const records: (TraceRecord & { route: string; path: string; errorType?: string })[] = JSON.parse(text);
      const [notFound, unauthorized] = records;
      expect(notFound).toMatchObject({ route: 'refused', status: 404, errorType: 'unknown_url' });
      expect(notFound?.path.length).toBeLessThan(400);
      expect(unauthorized).toMatchObject({ id: refusedId, route: 'refused', status: 401, errorType: 'invalid_api_key', path: '/v1/chat/completions' });
      for (const secret of [wrongKey, GATEWAY_KEY]) expect(text.includes(secret), secret).toBe(false);
    });

    it('the login form refuses a client after 5 wrong keys: 429 with Retry-After, even for the right key', async () => {
      const attempt = (key: string) => fetch(`${gateway.url}/_temperance/login`, { method: 'POST', body: new URLSearchParams({ key }), redirect: 'manual' });
      for (let i = 0; i < 5; i += 1) expect((await attempt(`wrong-${i}`)).status).toBe(401);
      const locked = await attempt(ADMIN_KEY);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(60);
      expect(locked.headers.get('set-cookie')).toBeNull();
      expect(await locked.text()).toContain('Too many wrong keys');
      // The key itself still opens the JSON routes: only the form is limited.
      expect((await adminJson(gateway, 'traces.json', ADMIN_KEY)).status).toBe(200);
    });
  });

  describe('keys', () => {
    it('never appear in an exported span, the trace page or traces.json', async () => {
      await openai.chat.completions.create({ model: CLAMP, messages: [user] });
      await caught(client(gateway, 'gw-wrong-key').chat.completions.create({ model: CLAMP, messages: [user] }));
      upstream.handler = usageAwareStream;
      for await (const _chunk of await openai.chat.completions.create({ model: CLAMP, messages: [user], stream: true })) void _chunk;
      await openai.models.list();
      await lastTrace(1); // the pass-through: a SERVER span only
      await new Promise((resolve) => setTimeout(resolve, 100));
      const exported = collector.raw.map((entry) => entry.text).join('\n');
      const json = (await adminJson(gateway, 'traces.json', ADMIN_KEY)).text;
      const page = (await adminJson(gateway, 'traces', ADMIN_KEY)).text;
      const policies = (await adminJson(gateway, 'policies', ADMIN_KEY)).text;
      expect(exported.length).toBeGreaterThan(1000);
      for (const secret of [...SECRETS, 'gw-wrong-key']) {
        for (const [where, text] of Object.entries({ exported, json, page, policies })) {
          expect(text.includes(secret), `${where} contains a key`).toBe(false);
        }
      }
    });
  });

  describe('content capture', () => {
    it('puts messages into spans only with OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true', async () => {
      const capturing = new OtlpReceiver();
      await capturing.start();
      const captured = await runtime.start({
        OPENAI_BASE_URL: upstream.url, OTEL_EXPORTER_OTLP_ENDPOINT: capturing.url, OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
      });
      try {
        await client(captured, CLIENT_OWN_KEY).chat.completions.create({ model: CLAMP, messages: [user] });
        const chat = await capturing.waitFor(() => capturing.spans.find((span) => span.kind === CLIENT), 'a CLIENT span');
        expect(JSON.parse(String(chat.attributes['gen_ai.input.messages']))).toEqual([
          { role: 'system', parts: [{ type: 'text', content: 'You are Clamp.' }] },
          { role: 'user', parts: [{ type: 'text', content: user.content }] },
        ]);
        expect(JSON.parse(String(chat.attributes['gen_ai.output.messages']))).toEqual([
          { role: 'assistant', parts: [{ type: 'text', content: 'Hello from the stand-in upstream.' }], finish_reason: 'stop' },
        ]);
        expect(capturing.raw.map((entry) => entry.text).join('')).not.toContain(CLIENT_OWN_KEY);
        // Without ADMIN_API_KEY the admin routes answer this loopback client.
        const records = await adminJson(captured, 'traces.json', undefined);
        expect(records.status).toBe(200);
        expect(records.text).not.toContain(CLIENT_OWN_KEY);
        // …and no one else. On workerd the peer is CF-Connecting-IP (set by wrangler dev, and by
        // Cloudflare to the real client); on Node only the socket counts, so the header is ignored.
        const remote = await fetch(`${captured.url}/_temperance/traces.json`, { headers: { 'cf-connecting-ip': '203.0.113.9' } });
        expect(remote.status).toBe(runtime.name === 'workerd' ? 403 : 200);
        if (runtime.name === 'workerd') expect(await remote.json()).toMatchObject({ error: { code: 'admin_loopback_only' } });
      } finally {
        await captured.close();
        await capturing.stop();
      }
      // And the gateway above, without capture, sent none.
      expect(collector.spans.some((span) => 'gen_ai.input.messages' in span.attributes || 'gen_ai.output.messages' in span.attributes)).toBe(false);
    });
  });

  describe('a collector that does not work', () => {
    async function timed(gatewayUnderTest: RunningGateway): Promise<number[]> {
      const api = client(gatewayUnderTest, CLIENT_OWN_KEY);
      const times: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const started = performance.now();
        await api.chat.completions.create({ model: CLAMP, messages: [user] });
        upstream.handler = usageAwareStream;
        for await (const _chunk of await api.chat.completions.create({ model: CLAMP, messages: [user], stream: true })) void _chunk;
        times.push(performance.now() - started);
      }
      return times;
    }

    it('hanging or down: requests still succeed, as fast as without one', async () => {
      const hanging = new OtlpReceiver();
      hanging.mode = 'hang';
      await hanging.start();
      const deadPort = await freePort();
      const [slow, dead, none] = await Promise.all([
        runtime.start({ OPENAI_BASE_URL: upstream.url, OTEL_EXPORTER_OTLP_ENDPOINT: hanging.url }),
        runtime.start({ OPENAI_BASE_URL: upstream.url, OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${deadPort}` }),
        runtime.start({ OPENAI_BASE_URL: upstream.url }),
      ]);
      try {
        const baseline = await timed(none);
        const withHanging = await timed(slow);
        const withDead = await timed(dead);
        const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
        // Two requests each (one streamed): the export happens after them, in the background.
        // Waiting on the hanging collector would cost its 10 s export timeout; the margins only
        // absorb a busy machine.
        expect(median(withHanging)).toBeLessThan(median(baseline) + 500);
        expect(median(withDead)).toBeLessThan(median(baseline) + 500);
        expect(Math.max(...withHanging, ...withDead)).toBeLessThan(5_000);
      } finally {
        await Promise.all([slow.close(), dead.close(), none.close()]);
        await hanging.stop();
      }
    });
  });
}
