// Fault injection: an upstream that resets, hangs, stalls or cuts a stream, and clients that
// hang up. The gateway answers in OpenAI's error shape, ends broken streams so the SDK raises,
// and frees the upstream call when the client is gone.
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { useGateway } from '../support/gateway-fixture.ts';
import { FakeUpstream, chatChunk, chatCompletion, sendJson, sseEvent, type Recorded } from '../support/fake-upstream.ts';
import type { Runtime } from '../support/runtimes.ts';
import { readUntilError } from '../support/openai-client.ts';

const CLAMP = 'ft:gpt-4o-mini:acme:clamp:1';
const user = { role: 'user' as const, content: 'Hi!' };

/** A request by hand, for what fetch would normalise or refuse to send. */
function rawRequest(url: string, path: string, init: { method: string; headers?: Record<string, string>; body?: string[] }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = httpRequest({ host: target.hostname, port: target.port, path, method: init.method, headers: init.headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    for (const chunk of init.body ?? []) request.write(chunk);
    request.end();
  });
}

/** A large upload, written as fast as the socket takes it: the status (or the socket error) the client ends with. */
function upload(url: string, path: string, bytes: number, framing: 'chunked' | 'length'): Promise<string> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const head = `{"model":"${CLAMP}","messages":[{"role":"user","content":"`;
    const tail = '"}]}';
    const chunks = Math.ceil(bytes / chunk.length);
    const framingHeader = framing === 'chunked' ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(head.length + chunks * chunk.length + tail.length) };
    const request = httpRequest({ host: target.hostname, port: target.port, path, method: 'POST', headers: { 'content-type': 'application/json', ...framingHeader } }, (response) => {
      let body = '';
      response.on('data', (data: Buffer) => { body += data.toString(); });
      response.on('end', () => resolve(`${response.statusCode} ${JSON.parse(body).error?.code}`));
      response.on('error', (error) => resolve(`response ${error.message}`));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve(`socket ${error.code ?? error.message}`));
    request.write(head);
    let sent = 0;
    const pump = () => {
      while (sent < chunks) {
        sent += 1;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
      request.end(tail);
    };
    pump();
  });
}

function nextRequest(upstream: FakeUpstream, count: number): Promise<Recorded> {
  return expect.poll(() => upstream.requests.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count).then(() => {
    const recorded = upstream.requests[count - 1];
    if (recorded === undefined) throw new Error('no request');
    return recorded;
  });
}

export function defineFaultCases(runtime: Runtime, measured: Map<string, number>): void {
  const fixture = useGateway(runtime, {
    apiKey: 'sk-client-key-0004',
    env: { UPSTREAM_TIMEOUT_MS: '400', UPSTREAM_IDLE_TIMEOUT_MS: '400', UPSTREAM_RETRIES: '2', UPSTREAM_RETRY_MAX_DELAY_MS: '300', MAX_BODY_BYTES: '4096' },
  });
  const { upstream } = fixture;

  describe('upstream faults before the first byte', () => {
    it('a reset connection, every time: 502 in OpenAI shape after the allowed retries', async () => {
      upstream.handler = (_request, response) => { response.socket?.destroy(); };
      const error = await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user] }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(APIError);
      expect(error).toMatchObject({ status: 502, code: 'upstream_unreachable', type: 'server_error' });
      expect(upstream.requests).toHaveLength(3);
    });

    it('a reset, then an answer: retried, the client sees only the answer', async () => {
      upstream.handler = (request, response) => {
        if (upstream.requests.length === 1) response.socket?.destroy();
        else sendJson(response, 200, chatCompletion(String(request.json().model)));
      };
      const reply = await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user] });
      expect(reply.choices[0]?.message.content).toBe('Hello from the stand-in upstream.');
      expect(upstream.requests).toHaveLength(2);
    });

    it('429 with retry-after-ms, then an answer: retried after the wait it asked for', async () => {
      upstream.handler = (request, response) => {
        if (upstream.requests.length === 1) sendJson(response, 429, { error: { message: 'slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, { 'retry-after-ms': '120' });
        else sendJson(response, 200, chatCompletion(String(request.json().model)));
      };
      const started = performance.now();
      await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user] });
      expect(performance.now() - started).toBeGreaterThanOrEqual(110);
      expect(upstream.requests).toHaveLength(2);
      expect(upstream.requests[1]?.text).toBe(upstream.requests[0]?.text);
    });

    it('a Retry-After longer than the cap is not waited for: the client gets the 429 and its Retry-After', async () => {
      upstream.handler = (_request, response) => sendJson(response, 429, { error: { message: 'later', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, { 'retry-after': '30' });
      const error = await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user] }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
      expect(error instanceof APIError && error.headers?.get('retry-after')).toBe('30');
      expect(upstream.requests).toHaveLength(1);
    });

    it('5xx on every attempt: the last one reaches the client unchanged', async () => {
      upstream.handler = (_request, response) => sendJson(response, 503, { error: { message: `busy ${upstream.requests.length}`, type: 'server_error', param: null, code: null } });
      const error = await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user] }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ status: 503, message: expect.stringContaining('busy 3') });
      expect(upstream.requests).toHaveLength(3);
    });

    it('no response headers within UPSTREAM_TIMEOUT_MS: 504, and the upstream call is abandoned', async () => {
      upstream.handler = () => {};
      const started = performance.now();
      const error = await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user] }).catch((caught: unknown) => caught);
      const elapsed = performance.now() - started;
      expect(error).toMatchObject({ status: 504, code: 'upstream_timeout' });
      expect(elapsed).toBeGreaterThanOrEqual(390);
      expect(elapsed).toBeLessThan(5000);
      await upstream.last.closedEarly;
    });
  });

  describe('streams that break', () => {
    it('a stream cut mid-way ends so that the SDK raises instead of returning a short answer', async () => {
      upstream.handler = (request, response) => {
        const model = String(request.json().model);
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(sseEvent(chatChunk(model, 'Half an')));
        setTimeout(() => response.socket?.destroy(), 50);
      };
      const pieces: string[] = [];
      const stream = await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user], stream: true });
      const error = await (async () => {
        for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? '');
      })().catch((caught: unknown) => caught);
      expect(pieces).toEqual(['Half an']);
      expect(error).toBeInstanceOf(Error);
      if (error instanceof APIError) expect(error.code).toBe('upstream_stream_cut');
    });

    it('a stream that goes silent is ended with an error event after UPSTREAM_IDLE_TIMEOUT_MS', async () => {
      upstream.handler = (request, response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(sseEvent(chatChunk(String(request.json().model), 'Thinking')));
      };
      const { pieces, error } = await readUntilError(await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user], stream: true }));
      expect(pieces).toEqual(['Thinking']);
      expect(error).toBeInstanceOf(APIError);
      expect(error).toMatchObject({ code: 'upstream_idle_timeout', type: 'server_error' });
      await upstream.last.closedEarly;
    });
  });

  describe('clients that hang up', () => {
    it('mid-stream: the upstream connection is closed', async () => {
      let timer: ReturnType<typeof setInterval> | undefined;
      upstream.handler = (request, response) => {
        const model = String(request.json().model);
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        // workerd notices a hang-up only when it next writes: the upstream keeps sending.
        timer = setInterval(() => response.write(sseEvent(chatChunk(model, '.'))), 25);
        response.on('close', () => clearInterval(timer));
      };
      const controller = new AbortController();
      const stream = await fixture.openai.chat.completions.create({ model: CLAMP, messages: [user], stream: true }, { signal: controller.signal });
      let abortedAt = 0;
      await (async () => {
        for await (const _chunk of stream) {
          abortedAt = performance.now();
          controller.abort();
        }
      })().catch(() => {});
      const closedAt = await upstream.last.closedEarly;
      clearInterval(timer);
      measured.set(`${runtime.name} mid-stream`, closedAt - abortedAt);
      expect(closedAt - abortedAt).toBeLessThan(1000);
    });

    it('before the answer: the pending upstream call is abandoned', async () => {
      let timer: ReturnType<typeof setInterval> | undefined;
      upstream.handler = (_request, response) => {
        // Headers come late (after the client left); the body keeps coming.
        setTimeout(() => {
          if (response.destroyed) return;
          response.writeHead(200, { 'content-type': 'text/event-stream' });
          timer = setInterval(() => response.write(': keep-alive\n\n'), 25);
        }, 250);
        response.on('close', () => clearInterval(timer));
      };
      const controller = new AbortController();
      const pending = fixture.openai.chat.completions.create({ model: CLAMP, messages: [user], stream: true }, { signal: controller.signal }).catch(() => undefined);
      const recorded = await nextRequest(upstream, 1);
      const abortedAt = performance.now();
      controller.abort();
      await pending;
      const closedAt = await recorded.closedEarly;
      clearInterval(timer);
      measured.set(`${runtime.name} before headers`, closedAt - abortedAt);
      expect(closedAt - abortedAt).toBeLessThan(1500);
    });
  });

  describe('fuzzed bodies over HTTP', () => {
    it('every body gets a forwarded answer or an OpenAI-shaped 4xx from the running gateway, never a 5xx', async () => {
      const value = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.double(), fc.string());
      const body = fc.record({
        model: fc.oneof(fc.constantFrom('clampy', 'ft:gpt-4o-mini:acme:reject:1', 'rabbittext', 'ft:o4-mini:z', 'gpt-4o-mini'), value),
        messages: fc.oneof(fc.array(fc.record({ role: fc.constantFrom('system', 'user', 'developer'), content: fc.oneof(fc.string(), value) }), { maxLength: 3 }), value),
        input: value, instructions: value, temperature: value, top_p: value, stream: fc.boolean(),
      }, { requiredKeys: [] });
      await fc.assert(fc.asyncProperty(fc.constantFrom('/v1/chat/completions', '/v1/responses', '/v1/completions'), fc.oneof(body.map((b) => JSON.stringify(b)), fc.string()), async (path, text) => {
        const response = await fetch(`${fixture.gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
        const answer = await response.text();
        expect(response.status === 200 || (response.status >= 400 && response.status < 500)).toBe(true);
        if (response.status !== 200 && !answer.includes('Invalid URL')) expect(JSON.parse(answer)).toMatchObject({ error: { message: expect.any(String), type: expect.any(String) } });
      }), { numRuns: Number(process.env.FUZZ_HTTP_RUNS ?? 150) });
    });
  });

  describe('limits and routing', () => {
    it('a chunked body over MAX_BODY_BYTES gets 413 without being forwarded', async () => {
      const chunk = `{"model":"${CLAMP}","messages":[{"role":"user","content":"${'x'.repeat(3000)}`;
      const { status, body } = await rawRequest(fixture.gateway.url, '/v1/chat/completions', {
        method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: [chunk, `${'y'.repeat(3000)}"}]}`],
      });
      expect(status).toBe(413);
      expect(JSON.parse(body)).toMatchObject({ error: { code: 'request_too_large', type: 'invalid_request_error' } });
      expect(upstream.requests).toHaveLength(0);
    });

    it('a 413 reaches a client still uploading a large body (chunked or with a length), never a reset', async () => {
      // Before the gateway drained the rest, workerd answered and closed on unread bytes, and
      // the client got EPIPE/ECONNRESET instead of the answer: under wrangler dev for about half
      // of 20 MB uploads, and served by workerd directly (bench/workerd.ts) for 2 in 5 even at 8 KB.
      const outcomes: string[] = [];
      for (const framing of ['chunked', 'length'] as const) {
        for (let i = 0; i < 3; i += 1) outcomes.push(await upload(fixture.gateway.url, '/v1/chat/completions', 16 * 1024 * 1024, framing));
      }
      expect(outcomes).toEqual(Array.from({ length: 6 }, () => '413 request_too_large'));
      expect(upstream.requests).toHaveLength(0);
    });

    it('exactly MAX_BODY_BYTES passes', async () => {
      const head = `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"`;
      const tail = '"}]}';
      const body = `${head}${'x'.repeat(4096 - head.length - tail.length)}${tail}`;
      expect(body.length).toBe(4096);
      const { status } = await rawRequest(fixture.gateway.url, '/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '4096' }, body: [body] });
      expect(status).toBe(200);
      expect(upstream.last.text).toBe(body);
    });

    it.each([
      ['/v1/../admin', 404],
      ['/v1/%2e%2e/admin', 404],
      ['/v1/files%2F..%2Fadmin', 404],
      ['/v2/models', 404],
      ['/admin', 404],
    ])('%s is not forwarded (%i)', async (path, status) => {
      const response = await rawRequest(fixture.gateway.url, path, { method: 'GET' });
      expect(response.status).toBe(status);
      expect(JSON.parse(response.body)).toMatchObject({ error: { type: 'invalid_request_error' } });
      expect(upstream.requests).toHaveLength(0);
    });

    it('a trailing slash or a dot segment cannot slip a governed route past its policy', async () => {
      for (const path of ['/v1/chat/completions/', '/v1/x/../chat/completions']) {
        const { status } = await rawRequest(fixture.gateway.url, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: [JSON.stringify({ model: 'clampy', messages: [user], temperature: 2 })] });
        expect(status).toBe(200);
        expect(upstream.last.json()).toMatchObject({ model: CLAMP, temperature: 0.8 });
      }
    });

    it('the upstream host is never the client\'s to choose', async () => {
      await rawRequest(fixture.gateway.url, '/v1//evil.example/chat', { method: 'GET', headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' } });
      expect(upstream.last.url).toBe('/v1//evil.example/chat');
      expect(upstream.last.headers.host).toBe(new URL(upstream.url).host);
      expect(upstream.last.headers).not.toHaveProperty('x-forwarded-host');
    });
  });
}
