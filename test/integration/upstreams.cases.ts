// Named upstreams (contract §8): one SDK client, one baseURL, fine-tunes in three places. Stand-ins
// for OpenAI, an Azure OpenAI resource (v1 API: /openai/v1, `api-key`), a hosted
// OpenAI-compatible service (its own bearer key) and a vLLM server (no key) each check the
// credential they expect; a fifth upstream is down.
import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { caught, readUntilError } from '../support/openai-client.ts';
import { startConfigured, type GatewayFiles } from '../support/configured-gateway.ts';
import { freePort, type RunningGateway, type Runtime } from '../support/runtimes.ts';
import { StandIn } from '../support/stand-in.ts';
import { chatChunk, sendJson, sseEvent } from '../support/fake-upstream.ts';
import { logLines } from '../support/log-lines.ts';

const OPENAI_KEY = 'sk-proj-OPENAILEAK-0123456789';
const AZURE_KEY = 'azure0AZURELEAK0123456789abcdef';
const HOSTED_KEY = 'hosted-HOSTEDLEAK-0123456789';
const GATEWAY_KEY = 'gw-team-GWLEAK-4567';
const CLIENT_AZURE_KEY = 'client-CLIENTAPILEAK-999';
const MARKERS = ['OPENAILEAK', 'AZURELEAK', 'HOSTEDLEAK', 'GWLEAK', 'CLIENTAPILEAK'];

// What the admin routes answer, as far as these tests read it.
const Health = z.looseObject({ status: z.string(), policies: z.number(), upstreams: z.array(z.unknown()) });
const Listed = z.object({ policies: z.array(z.looseObject({ name: z.string(), upstream: z.string() })) });
const Records = z.array(z.looseObject({ id: z.string() }));

const PLAIN = 'ft:gpt-4o-mini-2024-07-18:acme:plain:1a';

function policies(): Record<string, string> {
  return {
    'azure-support.yaml': [
      'model: support-prod          # the Azure deployment name',
      'upstream: azure-east',
      'sampling: { temperature: { default: 0.4, max: 0.6 } }',
      'system: { text: "You are the support bot." }',
    ].join('\n'),
    'sql.yaml': [
      'model: sql-lora              # the vLLM LoRA adapter name',
      'upstream: vllm',
      'sampling: { temperature: { default: 0.2 }, top_k: { default: 20 } }',
      'personas:',
      '  sql-hosted: { upstream: hosted, sampling: { top_k: { drop: true } } }',
    ].join('\n'),
    'far.yaml': 'model: far-away\nupstream: down\n',
    'plain.yaml': `model: ${PLAIN}\nsampling: { temperature: { default: 0.7 } }\n`,
  };
}

function upstreamsYaml(azure: StandIn, hosted: StandIn, vllm: StandIn, downUrl: string): string {
  return [
    'azure-east:',
    `  base_url: ${azure.baseUrl}`,
    '  api_key_env: AZURE_EAST_API_KEY',
    '  auth: api-key',
    'hosted:',
    `  base_url: ${hosted.baseUrl}/`,
    '  api_key_env: HOSTED_API_KEY',
    'vllm:',
    `  base_url: ${vllm.baseUrl}`,
    'down:',
    `  base_url: ${downUrl}`,
  ].join('\n');
}


/** A header value with its key masked, for the record of what each stand-in received. */
function masked(value: string | undefined): string | undefined {
  return value?.replace(/([A-Za-z]+[-_]?)[A-Za-z0-9_-]{8,}/g, (whole, lead: string) => `${lead}…${whole.slice(-4)}`);
}

export function defineUpstreamCases(runtime: Runtime): void {
  const openaiStandIn = new StandIn({ authorization: `Bearer ${OPENAI_KEY}` });
  const azure = new StandIn({ 'api-key': AZURE_KEY }, '/openai');
  const hosted = new StandIn({ authorization: `Bearer ${HOSTED_KEY}` });
  const vllm = new StandIn({});
  const standIns = { openai: openaiStandIn, 'azure-east': azure, hosted, vllm };
  let gateway: RunningGateway | undefined;
  let client: OpenAI | undefined;
  const started = () => {
    if (gateway === undefined || client === undefined) throw new Error('the gateway has not started');
    return { gateway, client };
  };

  beforeAll(async () => {
    for (const standIn of Object.values(standIns)) await standIn.start();
    const files: GatewayFiles = { policies: policies(), upstreams: upstreamsYaml(azure, hosted, vllm, `http://127.0.0.1:${await freePort()}/v1`) };
    gateway = await startConfigured(runtime, files, {
      OPENAI_BASE_URL: openaiStandIn.url, OPENAI_API_KEY: OPENAI_KEY, GATEWAY_API_KEYS: GATEWAY_KEY,
      AZURE_EAST_API_KEY: AZURE_KEY, HOSTED_API_KEY: HOSTED_KEY, ADMIN_API_KEY: 'admin-key-upstreams-1',
      // Faults behave per upstream as for openai: one retry, and a silent stream is ended.
      UPSTREAM_RETRIES: '1', UPSTREAM_RETRY_MAX_DELAY_MS: '50', UPSTREAM_IDLE_TIMEOUT_MS: '1000',
    });
    client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
    for (const standIn of Object.values(standIns)) await standIn.stop();
  });
  beforeEach(() => {
    for (const standIn of Object.values(standIns)) standIn.reset();
  });

  it('sends each policy to its own upstream, with that upstream\'s credential and path', async () => {
    const { client: openai } = started();
    const ask = (model: string) => openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] }).withResponse();
    const answers = await Promise.all([ask('support-prod'), ask('sql-lora'), ask('sql-hosted'), ask(PLAIN), ask('gpt-4o-mini')]);
    expect(answers.map(({ data }) => data.choices[0]?.message.content)).toEqual(Array(5).fill('Hello from the stand-in upstream.'));
    expect(answers.map(({ response }) => response.headers.get('x-temperance-policy'))).toEqual(['azure-support', 'sql', 'sql/sql-hosted', 'plain', null]);

    expect(azure.requests.map((request) => request.url)).toEqual(['/openai/v1/chat/completions']);
    expect(azure.last.headers['api-key']).toBe(AZURE_KEY);
    expect(azure.last.headers.authorization).toBeUndefined();
    expect(azure.last.json()).toMatchObject({ model: 'support-prod', temperature: 0.4, messages: [{ role: 'system', content: 'You are the support bot.' }, { role: 'user', content: 'Hi' }] });

    expect(vllm.requests.map((request) => request.url)).toEqual(['/v1/chat/completions']);
    // No key of its own, and the gateway has OPENAI_API_KEY: nothing at all (never the gateway key).
    expect(vllm.last.headers.authorization).toBeUndefined();
    expect(vllm.last.headers['api-key']).toBeUndefined();
    expect(vllm.last.json()).toMatchObject({ model: 'sql-lora', temperature: 0.2, top_k: 20 });

    // The persona inherits the file's rules but goes to its own upstream.
    expect(hosted.requests.map((request) => request.url)).toEqual(['/v1/chat/completions']);
    expect(hosted.last.headers.authorization).toBe(`Bearer ${HOSTED_KEY}`);
    expect(hosted.last.json()).toMatchObject({ model: 'sql-lora', temperature: 0.2 });
    expect(hosted.last.json()).not.toHaveProperty('top_k');

    // A policy without `upstream`, and a model no policy governs, go to openai.
    expect(openaiStandIn.requests.map((request) => String(request.json().model)).sort()).toEqual(['ft:gpt-4o-mini-2024-07-18:acme:plain:1a', 'gpt-4o-mini']);
    for (const request of openaiStandIn.requests) expect(request.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);

    // What each stand-in received, keys masked (the closing note).
    const seen = Object.fromEntries(Object.entries(standIns).map(([name, standIn]) => [name, standIn.requests.map((request) => ({
      path: request.url, authorization: masked(request.headers.authorization), 'api-key': masked(request.headers['api-key']),
    }))]));
    console.log(`${runtime.name}: headers each stand-in received: ${JSON.stringify(seen)}`);
  });

  it('streams through a named upstream chunk by chunk, hiding the usage chunk the gateway asked for', async () => {
    const { client: openai } = started();
    const stream = await openai.chat.completions.create({ model: 'support-prod', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('')).toBe('Hello from upstream');
    expect(chunks.some((chunk) => chunk.usage !== undefined && chunk.usage !== null)).toBe(false);
    expect(azure.last.url).toBe('/openai/v1/chat/completions');
    expect(azure.last.json()).toMatchObject({ stream: true, stream_options: { include_usage: true }, temperature: 0.4 });
  });

  it('governs /v1/responses through a named upstream, streamed and not', async () => {
    const { client: openai } = started();
    const answer = await openai.responses.create({ model: 'sql-lora', input: 'SELECT?' });
    expect(answer.output_text).toBe('Hello from the stand-in upstream.');
    const stream = await openai.responses.create({ model: 'support-prod', input: 'Hi', stream: true });
    const deltas: string[] = [];
    for await (const event of stream) if (event.type === 'response.output_text.delta') deltas.push(event.delta);
    expect(deltas).toEqual(['Hello', ' from', ' upstream']);
    expect(vllm.last.url).toBe('/v1/responses');
    expect(vllm.last.json()).toMatchObject({ model: 'sql-lora', temperature: 0.2, top_k: 20 });
    expect(azure.last.url).toBe('/openai/v1/responses');
    expect(azure.last.json()).toMatchObject({ model: 'support-prod', instructions: 'You are the support bot.', stream: true });
    expect(azure.last.headers['api-key']).toBe(AZURE_KEY);
  });

  it('lists the models that live on named upstreams beside openai\'s, and answers for them itself', async () => {
    const { client: openai } = started();
    const ids = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    // Policies in file name order: azure-support, far, plain (at openai: not added), sql.
    expect(ids).toEqual(['gpt-4o-mini', 'support-prod', 'far-away', 'sql-lora', 'sql-hosted']);
    expect(await openai.models.retrieve('support-prod')).toMatchObject({ id: 'support-prod', object: 'model', owned_by: 'temperance' });
    expect(openaiStandIn.requests.map((request) => request.url)).toEqual(['/v1/models']);
    expect(openaiStandIn.last.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
  });

  it('answers 502 for the models of a down upstream only', async () => {
    const { client: openai } = started();
    const error = await caught(openai.chat.completions.create({ model: 'far-away', messages: [{ role: 'user', content: 'Hi' }] }));
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream_unreachable');
    expect(error.message).toMatch(/^502 The upstream \(down at 127\.0\.0\.1:\d+\) could not be reached/);
    const fine = await openai.chat.completions.create({ model: 'support-prod', messages: [{ role: 'user', content: 'Hi' }] });
    expect(fine.choices[0]?.message.content).toBe('Hello from the stand-in upstream.');
  });

  it('retries a named upstream\'s 503 with its own credential, and ends its silent stream with an error event', async () => {
    const { client: openai } = started();
    let calls = 0;
    const answer = azure.handler;
    azure.handler = (request, response) => {
      calls += 1;
      if (calls === 1) return sendJson(response, 503, { error: { message: 'Busy.', type: 'server_error', param: null, code: null } });
      return answer(request, response);
    };
    const reply = await openai.chat.completions.create({ model: 'support-prod', messages: [{ role: 'user', content: 'Hi' }] });
    expect(reply.choices[0]?.message.content).toBe('Hello from the stand-in upstream.');
    expect(azure.requests.map((request) => request.headers['api-key'])).toEqual([AZURE_KEY, AZURE_KEY]);

    vllm.handler = (request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(sseEvent(chatChunk(String(request.json().model), 'Thinking')));
    };
    const { pieces, error } = await readUntilError(await openai.chat.completions.create({ model: 'sql-lora', messages: [{ role: 'user', content: 'Hi' }], stream: true }));
    expect(pieces).toEqual(['Thinking']);
    expect(error).toBeInstanceOf(APIError);
    expect(error).toMatchObject({ code: 'upstream_idle_timeout' });
    await vllm.last.closedEarly;
  });

  it('never lets a key cross to another upstream or back to the client', async () => {
    const { gateway: running } = started();
    const texts: string[] = [];
    const send = async (path: string, init: RequestInit) => {
      const response = await fetch(`${running.url}${path}`, init);
      texts.push(JSON.stringify([...response.headers]), await response.text());
      return response.status;
    };
    // The client tries its own Azure key and quotes every key it might know, everywhere.
    const headers = { authorization: `Bearer ${GATEWAY_KEY}`, 'content-type': 'application/json', 'api-key': CLIENT_AZURE_KEY, 'x-note': `${OPENAI_KEY} ${AZURE_KEY}` };
    const body = (model: string) => JSON.stringify({ model, messages: [{ role: 'user', content: `${HOSTED_KEY} ${AZURE_KEY}` }], user: OPENAI_KEY });
    const statuses = [];
    for (const model of ['support-prod', 'sql-lora', 'sql-hosted', PLAIN, 'far-away']) {
      statuses.push(await send('/v1/chat/completions', { method: 'POST', headers, body: body(model) }));
    }
    statuses.push(await send('/v1/models', { method: 'GET', headers }));
    statuses.push(await send(`/v1/chat/completions?k=${AZURE_KEY}`, { method: 'POST', headers, body: `{"model": "${HOSTED_KEY}", ${AZURE_KEY}` }));
    statuses.push(await send('/_temperance/health', { method: 'GET' }));
    statuses.push(await send('/_temperance/policies', { method: 'GET', headers: { authorization: 'Bearer admin-key-upstreams-1' } }));
    statuses.push(await send('/_temperance/traces.json', { method: 'GET', headers: { authorization: 'Bearer admin-key-upstreams-1' } }));
    expect(statuses).toEqual([200, 200, 200, 200, 502, 200, 400, 200, 200, 200]);

    // Each upstream got its own credential only: not another's key, not the gateway key, not the client's api-key.
    const own: Record<string, string> = { openai: 'OPENAILEAK', 'azure-east': 'AZURELEAK', hosted: 'HOSTEDLEAK', vllm: '' };
    for (const [name, standIn] of Object.entries(standIns)) {
      expect(standIn.requests.length, name).toBeGreaterThan(0);
      for (const request of standIn.requests) {
        const credentials = `${request.headers.authorization ?? ''} ${request.headers['api-key'] ?? ''}`;
        for (const marker of MARKERS) if (marker !== own[name]) expect(credentials, `${name} got ${marker}`).not.toContain(marker);
        expect(JSON.stringify(request.headers), name).not.toContain('GWLEAK');
        expect(JSON.stringify(request.headers), name).not.toContain('CLIENTAPILEAK');
      }
    }
    await expect.poll(() => logLines(running.output()).filter((line) => line.msg === 'request').length, { timeout: 5000 }).toBeGreaterThanOrEqual(10);
    const logged = running.output().split('\n').filter((line) => !line.includes('[wrangler:info]'));
    const seen = [...texts, ...logged].join('\n');
    for (const marker of MARKERS) expect(seen).not.toContain(marker);
  });

  it('names the upstream on the health route, the policies route, the trace records and the log line', async () => {
    const { gateway: running, client: openai } = started();
    await openai.chat.completions.create({ model: 'sql-hosted', messages: [{ role: 'user', content: 'Hi' }] }, { headers: { 'x-request-id': `upstream-log-${runtime.name}` } });
    const health = Health.parse(await (await fetch(`${running.url}/_temperance/health`)).json());
    expect(health).toMatchObject({ status: 'ok', policies: 4 });
    expect(health.upstreams).toEqual([
      { name: 'openai', host: new URL(openaiStandIn.url).host },
      { name: 'azure-east', host: new URL(azure.url).host },
      { name: 'hosted', host: new URL(hosted.url).host },
      { name: 'vllm', host: new URL(vllm.url).host },
      { name: 'down', host: expect.stringMatching(/^127\.0\.0\.1:\d+$/) },
    ]);
    const admin = { authorization: 'Bearer admin-key-upstreams-1' };
    const listed = Listed.parse(await (await fetch(`${running.url}/_temperance/policies`, { headers: admin })).json());
    expect(Object.fromEntries(listed.policies.map((policy) => [policy.name, policy.upstream]))).toEqual({
      'azure-support': 'azure-east', far: 'down', plain: 'openai', sql: 'vllm', 'sql/sql-hosted': 'hosted',
    });
    const records = Records.parse(await (await fetch(`${running.url}/_temperance/traces.json`, { headers: admin })).json());
    expect(records.find((record) => record.id === `upstream-log-${runtime.name}`)).toMatchObject({ upstreamName: 'hosted', upstream: '127.0.0.1', policy: 'sql/sql-hosted' });
    await expect.poll(() => logLines(running.output()).find((line) => line.id === `upstream-log-${runtime.name}`), { timeout: 5000 }).toMatchObject({ upstream: 'hosted', policy: 'sql/sql-hosted', status: 200 });
  });
}

/**
 * A gateway with no key of its own for openai (no OPENAI_API_KEY, no gateway keys, ALLOW_ANONYMOUS
 * for the Azure key): keyless upstreams get the client's own key; the Azure one only its own.
 * And a key variable upstreams.yaml names but the environment lacks: Node refuses to start, a
 * Worker answers 500.
 */
export function defineUpstreamConfigCases(runtime: Runtime): void {
  it("passes the client's own key to keyless upstreams only, when the gateway holds no OpenAI key", async () => {
    const CLIENT_KEY = 'sk-client-own-key-0042';
    const openaiStandIn = await new StandIn({ authorization: `Bearer ${CLIENT_KEY}` }).start();
    const vllm = await new StandIn({ authorization: `Bearer ${CLIENT_KEY}` }).start();
    const azure = await new StandIn({ 'api-key': AZURE_KEY }, '/openai').start();
    try {
      const files: GatewayFiles = {
        policies: { 'azure-support.yaml': 'model: support-prod\nupstream: azure-east\n', 'sql.yaml': 'model: sql-lora\nupstream: vllm\n' },
        upstreams: `azure-east:\n  base_url: ${azure.baseUrl}\n  api_key_env: AZURE_EAST_API_KEY\n  auth: api-key\nvllm:\n  base_url: ${vllm.baseUrl}\n`,
      };
      const gateway = await startConfigured(runtime, files, { OPENAI_BASE_URL: openaiStandIn.url, AZURE_EAST_API_KEY: AZURE_KEY, ALLOW_ANONYMOUS: 'true' });
      try {
        const openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
        for (const model of ['support-prod', 'sql-lora', 'gpt-4o-mini']) {
          const answer = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] });
          expect(answer.choices[0]?.message.content, model).toBe('Hello from the stand-in upstream.');
        }
        expect(azure.last.headers.authorization).toBeUndefined();
        expect(JSON.stringify(azure.last.headers)).not.toContain('client-own-key');
        expect(vllm.last.headers.authorization).toBe(`Bearer ${CLIENT_KEY}`);
        expect(openaiStandIn.last.headers.authorization).toBe(`Bearer ${CLIENT_KEY}`);
      } finally {
        await gateway.close();
      }
    } finally {
      for (const standIn of [openaiStandIn, vllm, azure]) await standIn.stop();
    }
  });

  describe('a missing key variable', () => {
    it('is named, never a value, and nothing is forwarded', async () => {
      const azure = await new StandIn({ 'api-key': AZURE_KEY }, '/openai').start();
      const files: GatewayFiles = { policies: { 'azure-support.yaml': 'model: support-prod\nupstream: azure-east\n' }, upstreams: `azure-east:\n  base_url: ${azure.baseUrl}\n  api_key_env: AZURE_EAST_API_KEY\n  auth: api-key\n` };
      const env = { OPENAI_BASE_URL: azure.url, OPENAI_API_KEY: OPENAI_KEY, GATEWAY_API_KEYS: GATEWAY_KEY };
      try {
        if (runtime.name === 'node') {
          const error = await startConfigured(runtime, files, env).then(() => undefined, (caughtError: unknown) => caughtError);
          expect(String(error)).toContain('AZURE_EAST_API_KEY: is not set: it holds the key of upstream azure-east');
          expect(String(error)).not.toContain('OPENAILEAK');
          return;
        }
        const gateway = await startConfigured(runtime, files, env);
        try {
          const openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: GATEWAY_KEY, maxRetries: 0 });
          const error = await caught(openai.chat.completions.create({ model: 'support-prod', messages: [{ role: 'user', content: 'Hi' }] }));
          expect(error.status).toBe(500);
          expect(error.code).toBe('gateway_misconfigured');
          expect(error.message).toContain('AZURE_EAST_API_KEY');
          expect(error.message).not.toContain('OPENAILEAK');
          expect(azure.requests).toHaveLength(0);
        } finally {
          await gateway.close();
        }
      } finally {
        await azure.stop();
      }
    });
  });
}
