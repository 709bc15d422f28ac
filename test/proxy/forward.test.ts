// forward(): the deadline runs from the body fully sent to the response headers.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { forward } from '../../src/proxy/forward.ts';
import { FakeUpstream, sendJson } from '../support/fake-upstream.ts';

const upstream = new FakeUpstream();
beforeAll(async () => {
  await upstream.start();
});
afterAll(async () => {
  await upstream.stop();
});
beforeEach(() => upstream.reset());

/** A request body that takes `gapMs` between its two chunks. */
function slowBody(gapMs: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode('first,'));
      await new Promise((resolve) => setTimeout(resolve, gapMs));
      controller.enqueue(encoder.encode('second'));
      controller.close();
    },
  });
}

const call = (body: ReadableStream<Uint8Array>, timeoutMs: number) => forward(globalThis.fetch, {
  url: `${upstream.url}/files`, method: 'POST', headers: new Headers({ 'content-type': 'text/plain' }), body, signal: new AbortController().signal, timeoutMs, idleTimeoutMs: 10_000, retries: 0, maxRetryDelayMs: 0,
}, '127.0.0.1');

it('does not count the time a streamed body takes to send', async () => {
  upstream.handler = (request, response) => sendJson(response, 200, { got: request.text });
  const forwarded = await call(slowBody(300), 150);
  expect(forwarded.ok).toBe(true);
  if (forwarded.ok) expect(await forwarded.response.json()).toEqual({ got: 'first,second' });
});

it('answers 504 when no headers come within the deadline after a streamed body', async () => {
  upstream.handler = () => {};
  const began = Date.now();
  const forwarded = await call(slowBody(10), 150);
  expect(forwarded.ok).toBe(false);
  if (!forwarded.ok) expect(forwarded.error.kind).toBe('upstream_timeout');
  expect(Date.now() - began).toBeGreaterThanOrEqual(150);
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

it("passes the client's hang-up upstream, before the answer and while it streams", async () => {
  upstream.handler = () => {};
  const early = new AbortController();
  const pending = forward(globalThis.fetch, {
    url: `${upstream.url}/chat/completions`, method: 'POST', headers: new Headers(), body: new Uint8Array(2), signal: early.signal, timeoutMs: 10_000, idleTimeoutMs: 10_000, retries: 0, maxRetryDelayMs: 0,
  }, '127.0.0.1');
  await waitFor(() => upstream.requests.length === 1);
  early.abort();
  const refused = await pending;
  expect(refused.ok).toBe(false);
  if (!refused.ok) expect(refused.error.message).toContain('client closed');
  await waitFor(() => upstream.closedEarly === 1);

  upstream.handler = (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write('data: first\n\n');
  };
  const late = new AbortController();
  const streaming = await forward(globalThis.fetch, {
    url: `${upstream.url}/chat/completions`, method: 'POST', headers: new Headers(), body: new Uint8Array(2), signal: late.signal, timeoutMs: 10_000, idleTimeoutMs: 10_000, retries: 0, maxRetryDelayMs: 0,
  }, '127.0.0.1');
  if (!streaming.ok) throw new Error('expected a response');
  await streaming.response.body?.getReader().read();
  late.abort();
  await waitFor(() => upstream.closedEarly === 2);
});
