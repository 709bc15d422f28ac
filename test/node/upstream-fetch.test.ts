// The Node server's upstream client must behave like fetch wherever the core relies on it,
// and send nothing the caller did not give it.
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { forward } from '../../src/proxy/forward.ts';
import { createUpstreamClient, type UpstreamClient } from '../../src/node/upstream-fetch.ts';
import { FakeUpstream, sendJson } from '../support/fake-upstream.ts';
import { flood, type FloodProgress } from '../support/flood.ts';

const upstream = new FakeUpstream();
let client: UpstreamClient;

beforeAll(async () => {
  await upstream.start();
  client = createUpstreamClient();
});
afterAll(async () => {
  await client.close();
  await upstream.stop();
});
afterEach(() => upstream.reset());

const url = (path: string) => `${upstream.url}${path}`;

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the undici upstream client', () => {
  it('sends the headers and body it is given, and no header of its own', async () => {
    const response = await client.fetch(url('/embeddings'), {
      method: 'POST',
      headers: new Headers({ 'content-type': 'application/json', authorization: 'Bearer sk-1', 'x-end-to-end': 'yes' }),
      body: new TextEncoder().encode('{"model":"m","input":"hi"}'),
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const { headers } = upstream.last;
    expect(headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer sk-1', 'x-end-to-end': 'yes' });
    // Node's fetch adds these two; a forwarder must not.
    expect(headers).not.toHaveProperty('accept-language');
    expect(headers).not.toHaveProperty('sec-fetch-mode');
    expect(headers).not.toHaveProperty('user-agent');
    expect(headers).not.toHaveProperty('accept');
    expect(headers).not.toHaveProperty('accept-encoding');
    expect(upstream.last.text).toBe('{"model":"m","input":"hi"}');
  });

  it('delivers a streamed answer chunk by chunk, while the upstream is still sending', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => { release = resolve; });
    upstream.handler = async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: first\n\n');
      await held;
      response.end('data: second\n\n');
    };
    const response = await client.fetch(url('/chat/completions'), { method: 'POST', body: '{}' });
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error('no body');
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: first\n\n');
    release();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += new TextDecoder().decode(chunk.value);
    expect(rest).toBe('data: second\n\n');
  });

  it('sends a streamed request body', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('part one, '));
        controller.enqueue(new TextEncoder().encode('part two'));
        controller.close();
      },
    });
    const response = await client.fetch(url('/files'), { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
    await response.arrayBuffer();
    expect(upstream.last.text).toBe('part one, part two');
  });

  it('rejects with the reason of a signal aborted before the answer, and hangs up upstream', async () => {
    upstream.handler = () => {};
    const controller = new AbortController();
    const pending = client.fetch(url('/chat/completions'), { method: 'POST', body: '{}', signal: controller.signal });
    await waitFor(() => upstream.requests.length === 1);
    const reason = new Error('client went away');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await waitFor(() => upstream.closedEarly === 1);
  });

  it('ends the upstream call when the reader cancels a streamed body (the client hung up)', async () => {
    upstream.handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: first\n\n');
    };
    const response = await client.fetch(url('/chat/completions'), { method: 'POST', body: '{}' });
    const reader = response.body?.getReader();
    await reader?.read();
    await reader?.cancel();
    await waitFor(() => upstream.closedEarly === 1);
  });

  it('errors the body when the upstream dies mid-stream, or the signal aborts it', async () => {
    upstream.handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: first\n\n');
      setTimeout(() => response.destroy(), 20);
    };
    const dying = await client.fetch(url('/chat/completions'), { method: 'POST', body: '{}' });
    await expect(dying.text()).rejects.toThrow();

    upstream.handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: first\n\n');
    };
    const controller = new AbortController();
    const aborted = await client.fetch(url('/chat/completions'), { method: 'POST', body: '{}', signal: controller.signal });
    const reader = aborted.body?.getReader();
    await reader?.read();
    controller.abort(new Error('client went away'));
    await expect(reader?.read()).rejects.toThrow('client went away');
    await waitFor(() => upstream.closedEarly === 1);
  });

  it('holds back a body nobody reads: backpressure reaches the upstream', async () => {
    const progress: FloodProgress = { written: 0, blocked: false };
    upstream.handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      flood(response, Buffer.alloc(64 * 1024), 64 * 1024 * 1024, progress);
    };
    const response = await client.fetch(url('/files/big/content'));
    await waitFor(() => progress.blocked);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Socket buffers and one queue of 64 KiB, not the 64 MiB the upstream would send.
    expect(progress.written).toBeLessThan(16 * 1024 * 1024);
    await response.body?.cancel();
  });

  it('fails like fetch when the upstream cannot be reached', async () => {
    const dead = new FakeUpstream();
    await dead.start();
    await dead.stop();
    const error: unknown = await client.fetch(`${dead.url}/chat/completions`, { method: 'POST', body: '{}' }).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect(error instanceof TypeError && error.cause instanceof Error ? error.cause.message : '').toContain('ECONNREFUSED');
  });

  it('decodes gzip and brotli bodies as fetch does, keeping content-encoding for the core to drop', async () => {
    const json = JSON.stringify({ ok: true, text: 'compressed '.repeat(50) });
    for (const [coding, bytes] of [['gzip', gzipSync(json)], ['br', brotliCompressSync(json)]] as const) {
      upstream.handler = (_request, response) => {
        response.writeHead(400, { 'content-type': 'application/json', 'content-encoding': coding, 'content-length': String(bytes.length) });
        response.end(bytes);
      };
      const response = await client.fetch(url('/chat/completions'), { method: 'POST', body: '{}' });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-encoding')).toBe(coding);
      expect(await response.text()).toBe(json);
    }
  });

  it('keeps every set-cookie, the status text, and no body for 204', async () => {
    upstream.handler = (_request, response) => {
      response.writeHead(204, 'Nothing Here', [['set-cookie', 'a=1'], ['set-cookie', 'b=2']]);
      response.end();
    };
    const response = await client.fetch(url('/files/x'), { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(response.statusText).toBe('Nothing Here');
    expect(response.body).toBeNull();
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it("leaves the deadline to the core's forward(): 504 when no headers come in time", async () => {
    upstream.handler = () => {};
    const forwarded = await forward(client.fetch, {
      url: url('/chat/completions'), method: 'POST', headers: new Headers(), body: new Uint8Array(2), signal: new AbortController().signal, timeoutMs: 150, idleTimeoutMs: 10_000, retries: 0, maxRetryDelayMs: 0,
    }, '127.0.0.1');
    expect(forwarded.ok).toBe(false);
    if (!forwarded.ok) expect(forwarded.error.kind).toBe('upstream_timeout');
    await waitFor(() => upstream.closedEarly === 1);
  });

  it('passes a JSON answer through whole', async () => {
    upstream.handler = (_request, response) => sendJson(response, 200, { id: 'x', list: [1, 2, 3] });
    const response = await client.fetch(url('/models'));
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ id: 'x', list: [1, 2, 3] });
    expect(upstream.last.method).toBe('GET');
  });

  it('keeps one pool per origin: streams to two upstreams at once, each request reaching its own host and path', async () => {
    // Named upstreams (contract §8) share this one client: undici's Agent opens a pool per origin.
    const other = await new FakeUpstream().start();
    try {
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => { release = resolve; });
      const holding: FakeUpstream['handler'] = async (request, response) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write(`data: ${request.headers['x-which']} first\n\n`);
        await held;
        response.end(`data: ${request.headers['x-which']} second\n\n`);
      };
      upstream.handler = holding;
      other.handler = holding;
      const openStream = async (base: string, which: string) => {
        const response = await client.fetch(`${base}/chat/completions`, { method: 'POST', headers: new Headers({ 'x-which': which }), body: '{}' });
        const reader = response.body?.getReader();
        if (reader === undefined) throw new Error('no body');
        return reader;
      };
      // Both answers are open at once: neither origin waits for the other's connection.
      const [a, b] = await Promise.all([openStream(upstream.url, 'a'), openStream(`${new URL(other.url).origin}/openai/v1`, 'b')]);
      expect(new TextDecoder().decode((await a.read()).value)).toBe('data: a first\n\n');
      expect(new TextDecoder().decode((await b.read()).value)).toBe('data: b first\n\n');
      release();
      const rest = async (reader: ReadableStreamDefaultReader<Uint8Array>) => {
        let text = '';
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += new TextDecoder().decode(chunk.value);
        return text;
      };
      expect(await rest(a)).toBe('data: a second\n\n');
      expect(await rest(b)).toBe('data: b second\n\n');
      expect(upstream.requests.map((request) => request.url)).toEqual(['/v1/chat/completions']);
      expect(other.requests.map((request) => request.url)).toEqual(['/openai/v1/chat/completions']);
      // And each kept alive for the next request to its own origin.
      upstream.reset();
      other.reset();
      const again = await Promise.all([client.fetch(url('/models')), client.fetch(`${other.url}/models`)]);
      expect(again.map((response) => response.status)).toEqual([200, 200]);
      await Promise.all(again.map((response) => response.arrayBuffer()));
      expect([upstream.requests.length, other.requests.length]).toEqual([1, 1]);
    } finally {
      await other.stop();
    }
  });
});
