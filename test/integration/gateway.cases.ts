// The integration cases every runtime must pass: the real gateway before a stand-in upstream,
// driven by the official openai SDK.
import { request as httpRequest } from 'node:http';
import type OpenAI from 'openai';
import { caught, client } from '../support/openai-client.ts';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../support/gateway-fixture.ts';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { FakeUpstream, chatChunk, chatCompletion, sendJson, sseEvent } from '../support/fake-upstream.ts';
import type { Runtime } from '../support/runtimes.ts';

const CLAMP = 'ft:gpt-4o-mini:acme:clamp:1';
const REJECT = 'ft:gpt-4o-mini:acme:reject:1';
const QUIET = 'ft:gpt-4o-mini:acme:quiet:1';
const MULTI = 'ft:gpt-4o-mini:acme:multi:1';
const user = { role: 'user' as const, content: 'Hi!' };

function rawPost(url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}

export function defineGatewayCases(runtime: Runtime): void {
  const fixture = useGateway(runtime);
  const { upstream } = fixture;

  describe('sampling rules', () => {
    it('fills in defaults and the canonical system message, and names the policy', async () => {
      const { data, response } = await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user] }).withResponse();
      expect(data.choices[0]?.message.content).toBe('Hello from the stand-in upstream.');
      expect(response.headers.get('x-temperance-policy')).toBe('clamp');
      expect(upstream.last.json()).toMatchObject({
        model: CLAMP, temperature: 0.6, top_p: 0.9,
        messages: [{ role: 'system', content: 'You are Clamp.' }, user],
      });
    });

    it('clamps values outside the bounds to the nearest bound, and keeps 0 as a real value', async () => {
      await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user], temperature: 1.7, top_p: 0.99 });
      expect(upstream.last.json()).toMatchObject({ temperature: 0.8, top_p: 0.95 });
      await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user], temperature: 0 });
      expect(upstream.last.json().temperature).toBe(0.1);
      await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user], temperature: 0.3 });
      expect(upstream.last.json().temperature).toBe(0.3);
    });

    it('takes the default for an explicit null', async () => {
      await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user], temperature: null });
      expect(upstream.last.json().temperature).toBe(0.6);
    });

    it('rejects an out-of-range value in reject mode, in OpenAI error shape, sending nothing upstream', async () => {
      const error = await caught(fixture.openai.chat.completions.create({ model: REJECT, messages: [user], temperature: 1.2 }));
      expect(error.status).toBe(400);
      expect(error.type).toBe('invalid_request_error');
      expect(error.code).toBe('policy_violation');
      expect(error.param).toBe('temperature');
      expect(error.message).toContain('1.2');
      expect(error.message).toContain('0–0.8');
      expect(error.message).toContain(REJECT);
      expect(error.headers?.get('x-temperance-policy')).toBe('reject');
      expect(upstream.requests).toHaveLength(0);
    });

    it('refuses a value of the wrong type with invalid_type', async () => {
      const response = await fetch(`${fixture.gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client-key-0001' },
        body: JSON.stringify({ model: CLAMP, messages: [user], temperature: 'hot' }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_type', param: 'temperature' } });
      expect(upstream.requests).toHaveLength(0);
    });

    it('drops and fixes parameters for a pattern-matched model family', async () => {
      await fixture.openai.chat.completions.create({ model: 'ft:o4-mini:acme:reason:2', messages: [user], temperature: 0.2, top_p: 0.5, presence_penalty: 1 });
      const sent = upstream.last.json();
      expect(sent).not.toHaveProperty('temperature');
      expect(sent).not.toHaveProperty('top_p');
      expect(sent).toMatchObject({ model: 'ft:o4-mini:acme:reason:2', presence_penalty: 0, seed: 42 });
    });
  });

  describe('the canonical system message', () => {
    it("prepend keeps the client's system message after the canonical one", async () => {
      await fixture.openai.chat.completions.create({ model: CLAMP, messages: [{ role: 'system', content: 'Be brief.' }, user] });
      expect(upstream.last.json().messages).toEqual([
        { role: 'system', content: 'You are Clamp.' }, { role: 'system', content: 'Be brief.' }, user,
      ]);
    });

    it('replace leaves the canonical message as the only one, with its role', async () => {
      await fixture.openai.chat.completions.create({ model: REJECT, messages: [{ role: 'system', content: 'Be evil.' }, user, { role: 'developer', content: 'x' }] });
      expect(upstream.last.json().messages).toEqual([{ role: 'developer', content: 'You are Reject.' }, user]);
    });

    it('if_missing adds the message only when the client sent none', async () => {
      await fixture.openai.chat.completions.create({ model: QUIET, messages: [user] });
      expect(upstream.last.json().messages).toEqual([{ role: 'system', content: 'You are Quiet.' }, user]);
      await fixture.openai.chat.completions.create({ model: QUIET, messages: [{ role: 'developer', content: 'Mine.' }, user] });
      expect(upstream.last.json().messages).toEqual([{ role: 'developer', content: 'Mine.' }, user]);
    });

    it('is idempotent: a request that already starts with it is forwarded byte for byte', async () => {
      const raw = `{"model":"${CLAMP}","messages":[{"role":"system","content":"You are Clamp."},{"role":"user","content":"Hi"}],"temperature":0.5,"top_p":0.9,"seed":12345678901234567890}`;
      const response = await fetch(`${fixture.gateway.url}/v1/chat/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client-key-0001' }, body: raw,
      });
      expect(response.status).toBe(200);
      expect(upstream.last.text).toBe(raw);
    });
  });

  describe('aliases and personas', () => {
    it('rewrites an alias to the model id', async () => {
      const { response } = await fixture.openai.chat.completions.create({ model: 'clampy', messages: [user] }).withResponse();
      expect(upstream.last.json().model).toBe(CLAMP);
      expect(response.headers.get('x-temperance-policy')).toBe('clamp');
    });

    it("applies a persona's system message and its own rules over the file's", async () => {
      const { response } = await fixture.openai.chat.completions.create({ model: 'rabbittext', messages: [{ role: 'system', content: 'old' }, user], temperature: 0.4 }).withResponse();
      expect(response.headers.get('x-temperance-policy')).toBe('multi/rabbittext');
      expect(upstream.last.json()).toMatchObject({
        model: MULTI, temperature: 0,
        messages: [{ role: 'system', content: 'The AI is a backend processor of data, converting it into RabbitText.' }, user],
      });
      await fixture.openai.chat.completions.create({ model: 'sharkbait', messages: [user], temperature: 0.9 });
      expect(upstream.last.json()).toMatchObject({
        model: MULTI, temperature: 0.7,
        messages: [{ role: 'system', content: "You are SharkBait, a user's best chum." }, user],
      });
    });

    it('gives the model id itself the file rules', async () => {
      const { response } = await fixture.openai.chat.completions.create({ model: MULTI, messages: [user] }).withResponse();
      expect(response.headers.get('x-temperance-policy')).toBe('multi');
      expect(upstream.last.json()).toEqual({ model: MULTI, messages: [user], temperature: 0.5 });
    });
  });

  describe('forwarding', () => {
    it('forwards every field it does not govern exactly, including unknown ones', async () => {
      const extra = {
        tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
        response_format: { type: 'json_object' }, logprobs: true, top_logprobs: 2, stop: ['\n\n'], metadata: { team: 'a' },
        store: false, a_field_from_the_future: { nested: [1, 'two', null] },
      };
      await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user], ...extra } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming);
      expect(upstream.last.json()).toMatchObject(extra);
    });

    it('forwards a model no policy governs unchanged, without a policy header', async () => {
      const raw = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"temperature":1.9,"seed":12345678901234567890}';
      const response = await fetch(`${fixture.gateway.url}/v1/chat/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-client-key-0001', 'openai-organization': 'org-1', 'openai-project': 'proj-1' }, body: raw,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-temperance-policy')).toBeNull();
      expect(upstream.last.text).toBe(raw);
      expect(upstream.last.headers).toMatchObject({ authorization: 'Bearer sk-client-key-0001', 'openai-organization': 'org-1', 'openai-project': 'proj-1' });
    });

    it('does not forward hop-by-hop headers', async () => {
      // node:http, not fetch: fetch refuses to send Connection itself.
      await rawPost(`${fixture.gateway.url}/v1/chat/completions`, JSON.stringify({ model: 'gpt-4o-mini', messages: [user] }), {
        'content-type': 'application/json', authorization: 'Bearer sk-client-key-0001', connection: 'keep-alive, x-hop',
        'x-hop': '1', 'proxy-authorization': 'Basic abc', 'x-forwarded-for': '10.1.2.3', 'x-end-to-end': 'yes',
      });
      expect(upstream.last.headers).not.toHaveProperty('proxy-authorization');
      expect(upstream.last.headers).not.toHaveProperty('x-forwarded-for');
      expect(upstream.last.headers['x-end-to-end']).toBe('yes');
      // workerd removes Connection before a Worker sees it, so only Node can honour its list.
      if (runtime.name === 'node') expect(upstream.last.headers).not.toHaveProperty('x-hop');
    });

    it('passes other /v1 routes through: method, query, body', async () => {
      const embedding = await fixture.openai.embeddings.create({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float' });
      expect(embedding.data[0]?.embedding).toEqual([0.1, 0.2]);
      expect(upstream.last).toMatchObject({ method: 'POST', url: '/v1/embeddings' });
      expect(upstream.last.json()).toEqual({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float' });

      const file = await fixture.openai.files.create({ file: new File(['{"messages":[]}\n'], 'train.jsonl'), purpose: 'fine-tune' });
      expect(file.id).toBe('file-fake');
      expect(upstream.last.url).toBe('/v1/files');
      expect(upstream.last.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
      expect(upstream.last.text).toContain('{"messages":[]}');

      await caught(fixture.openai.fineTuning.jobs.list({ limit: 3 }));
      expect(upstream.last).toMatchObject({ method: 'GET', url: '/v1/fine_tuning/jobs?limit=3' });
    });

    it('lists aliases and personas in GET /v1/models, like OpenAI lists models', async () => {
      const ids: string[] = [];
      for await (const model of fixture.openai.models.list()) ids.push(model.id);
      expect(ids).toEqual(expect.arrayContaining(['gpt-4o-mini', 'clampy', 'rabbittext', 'sharkbait']));
      const alias = await fixture.openai.models.retrieve('clampy');
      expect(alias).toMatchObject({ id: 'clampy', object: 'model', owned_by: 'temperance' });
      expect(alias.created).toBeGreaterThan(1_700_000_000);
    });

    it('passes a failing model list through unchanged', async () => {
      upstream.handler = (_request, response) => sendJson(response, 503, { error: { message: 'down', type: 'server_error', param: null, code: null } });
      const error = await caught(fixture.openai.models.list());
      expect(error.status).toBe(503);
      expect(error.message).toContain('down');
    });

    it('passes upstream errors through unchanged, with Retry-After', async () => {
      upstream.handler = (_request, response) => sendJson(response, 429, { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, { 'retry-after': '7' });
      const limited = await caught(fixture.openai.chat.completions.create({ model: CLAMP, messages: [user] }));
      expect(limited.status).toBe(429);
      expect(limited.code).toBe('rate_limit_exceeded');
      expect(limited.headers?.get('retry-after')).toBe('7');

      upstream.handler = (_request, response) => sendJson(response, 500, { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } });
      const failed = await caught(fixture.openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [user] }));
      expect(failed.status).toBe(500);
      expect(failed.message).toContain('The server had an error');
    });
  });

  describe('streaming', () => {
    it('delivers chunks while the upstream is still sending', async () => {
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => { release = resolve; });
      let finished = false;
      upstream.handler = async (request, response) => {
        const { model } = request.json();
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(sseEvent(chatChunk(String(model), 'first')));
        await held;
        response.write(sseEvent(chatChunk(String(model), ' second', 'stop')));
        response.end(sseEvent('[DONE]'));
        finished = true;
      };
      const stream = await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user], stream: true });
      const pieces: string[] = [];
      for await (const chunk of stream) {
        pieces.push(chunk.choices[0]?.delta.content ?? '');
        // The first chunk is here while the upstream is held mid-stream: nothing was buffered.
        if (pieces.length === 1) {
          expect(finished).toBe(false);
          release();
        }
      }
      expect(pieces.join('')).toBe('first second');
      expect(upstream.last.json()).toMatchObject({ stream: true, temperature: 0.6 });
    });

    it('decodes a compressed answer for the client: gzip JSON, and a brotli stream whose usage chunk stays hidden', async () => {
      upstream.handler = (request, response) => {
        const { model, stream } = request.json();
        if (stream !== true) {
          const body = gzipSync(JSON.stringify(chatCompletion(String(model), 'Packed small.')));
          response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(body.length) });
          response.end(body);
          return;
        }
        // Usage only because the gateway asked for it (the client did not): the client must not see it.
        const usage = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model, choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } };
        const events = [sseEvent(chatChunk(String(model), 'Packed')), sseEvent(chatChunk(String(model), ' stream', 'stop')), sseEvent(usage), sseEvent('[DONE]')];
        response.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'br' });
        response.end(brotliCompressSync(events.join('')));
      };
      const completion = await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user] });
      expect(completion.choices[0]?.message.content).toBe('Packed small.');
      const stream = await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user], stream: true });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      expect(chunks.map((chunk) => chunk.choices[0]?.delta.content).join('')).toBe('Packed stream');
      expect(chunks.some((chunk) => chunk.usage !== undefined && chunk.usage !== null)).toBe(false);
      expect(upstream.last.json()).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    });
  });

  describe("the gateway's own errors", () => {
    it('answers malformed JSON with 400 in OpenAI error shape', async () => {
      const response = await fetch(`${fixture.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": "x",' });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_json', param: null } });
      expect(upstream.requests).toHaveLength(0);
    });

    it('answers an unknown route with 404 in OpenAI error shape', async () => {
      const response = await fetch(`${fixture.gateway.url}/nothing/here`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'unknown_url', message: expect.stringContaining('/nothing/here') } });
    });

    it('answers 502 when the upstream is unreachable', async () => {
      const dead = new FakeUpstream();
      await dead.start();
      await dead.stop();
      const unreachable = await runtime.start({ OPENAI_BASE_URL: dead.url });
      try {
        const error = await caught(client(unreachable).chat.completions.create({ model: CLAMP, messages: [user] }));
        expect(error.status).toBe(502);
        expect(error.code).toBe('upstream_unreachable');
        expect(error.message).not.toContain('sk-client-key-0001');
      } finally {
        await unreachable.close();
      }
    });
  });

  describe('configuration', () => {
    it('with UNLISTED_MODELS=reject refuses a model no policy governs', async () => {
      const strict = await runtime.start({ OPENAI_BASE_URL: upstream.url, UNLISTED_MODELS: 'reject', MAX_BODY_BYTES: '2048' });
      try {
        const error = await caught(client(strict).chat.completions.create({ model: 'gpt-4o-mini', messages: [user] }));
        expect(error.status).toBe(400);
        expect(error.code).toBe('model_not_allowed');
        await client(strict).chat.completions.create({ model: 'clampy', messages: [user] });
        expect(upstream.requests).toHaveLength(1);

        const big = await caught(client(strict).chat.completions.create({ model: 'clampy', messages: [{ role: 'user', content: 'x'.repeat(3000) }] }));
        expect(big.status).toBe(413);
        expect(big.code).toBe('request_too_large');
        expect(upstream.requests).toHaveLength(1);
      } finally {
        await strict.close();
      }
    });

    it('with OPENAI_API_KEY admits only gateway keys and sends its own key upstream', async () => {
      const guarded = await runtime.start({ OPENAI_BASE_URL: upstream.url, OPENAI_API_KEY: 'sk-upstream-secret-9', GATEWAY_API_KEYS: 'gw-key-a, gw-key-b' });
      try {
        const missing = await fetch(`${guarded.url}/v1/models`);
        expect(missing.status).toBe(401);
        expect(await missing.json()).toMatchObject({ error: { code: 'missing_api_key', type: 'invalid_request_error' } });
        const wrong = await caught(client(guarded, 'gw-key-c').chat.completions.create({ model: CLAMP, messages: [user] }));
        expect(wrong.status).toBe(401);
        expect(wrong.code).toBe('invalid_api_key');
        expect(upstream.requests).toHaveLength(0);

        const { response } = await client(guarded, 'gw-key-b').chat.completions.create({ model: CLAMP, messages: [user] }).withResponse();
        expect(upstream.last.headers.authorization).toBe('Bearer sk-upstream-secret-9');
        expect(JSON.stringify([...response.headers])).not.toContain('sk-upstream-secret-9');
        expect(wrong.message).not.toContain('gw-key-c');
      } finally {
        await guarded.close();
      }
    });
  });
}
