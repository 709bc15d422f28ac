// What only the Node-native path does (src/node/native-route.ts): the integration cases run
// through it on Node already; these cover its own streams — a client that reads slowly or hangs
// up, a body that never completes, an upload passed through — and what it hands to the Hono app.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { chatChunk, sseEvent } from '../support/fake-upstream.ts';
import { useGateway } from '../support/gateway-fixture.ts';
import { nodeRuntime } from '../support/runtimes.ts';
import { flood, type FloodProgress } from '../support/flood.ts';

const CLAMP = 'ft:gpt-4o-mini:acme:clamp:1';
const fixture = useGateway(nodeRuntime);
const { upstream } = fixture;

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function post(body: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${fixture.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, resolve);
    request.on('error', reject);
    request.end(body);
  });
}

function logLines(): Record<string, unknown>[] {
  return fixture.gateway.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('the Node-native path', () => {
  it('holds back a stream nobody reads: back-pressure reaches the upstream, and a hang-up ends its call', async () => {
    const progress: FloodProgress = { written: 0, blocked: false };
    upstream.handler = (request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      flood(response, Buffer.from(sseEvent(chatChunk(String(request.json().model), 'x'.repeat(16 * 1024)))), 64 * 1024 * 1024, progress);
    };
    const response = await post(JSON.stringify({ model: CLAMP, messages: [{ role: 'user', content: 'Hi' }], stream: true }), {});
    expect(response.statusCode).toBe(200);
    await waitFor(() => progress.blocked);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Socket buffers on both sides, not the 64 MiB the upstream would send.
    expect(progress.written).toBeLessThan(16 * 1024 * 1024);
    response.destroy();
    await waitFor(() => upstream.closedEarly === 1);
    await waitFor(() => logLines().some((line) => line.error === 'cancelled' && line.stream === true));
  });

  it('records a body the client never finished, and goes on serving', async () => {
    const { port } = new URL(fixture.gateway.url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100000\r\nx-request-id: unfinished-body-1\r\n\r\n{"model":`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await waitFor(() => logLines().some((line) => line.id === 'unfinished-body-1'));
    const line = logLines().find((entry) => entry.id === 'unfinished-body-1');
    expect(line).toMatchObject({ status: 400, error: 'invalid_request', path: '/v1/chat/completions' });
    expect(upstream.requests).toHaveLength(0);
    const next = await post(JSON.stringify({ model: CLAMP, messages: [{ role: 'user', content: 'Hi' }] }), {});
    expect(next.statusCode).toBe(200);
  });

  it('streams a pass-through upload to the upstream whole, and logs it as pass-through', async () => {
    upstream.handler = (request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ id: 'file-1', bytes: request.body.length, sum: request.body.reduce((total, byte) => (total + byte) % 65521, 0) }));
    };
    const upload = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < upload.length; i += 1) upload[i] = (i * 31) % 251;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = httpRequest(`${fixture.gateway.url}/v1/files?purpose=fine-tune`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'content-length': String(upload.length), 'x-request-id': 'upload-1' } }, resolve);
      request.on('error', reject);
      request.end(upload);
    });
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(Buffer.concat(chunks).toString())).toEqual({ id: 'file-1', bytes: upload.length, sum: upload.reduce((total, byte) => (total + byte) % 65521, 0) });
    expect(upstream.last).toMatchObject({ method: 'POST', url: '/v1/files?purpose=fine-tune' });
    await waitFor(() => logLines().some((line) => line.id === 'upload-1'));
    expect(logLines().find((line) => line.id === 'upload-1')).toMatchObject({ route: 'pass-through', status: 200, path: '/v1/files' });
  });

  it('hands a body without a declared length to the app, which governs it the same way', async () => {
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = httpRequest(`${fixture.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, resolve);
      request.on('error', reject);
      request.write('{"model":"clampy",');
      request.end('"messages":[{"role":"user","content":"Hi"}],"temperature":1.9}');
    });
    response.resume();
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-temperance-policy']).toBe('clamp');
    expect(response.headers['x-temperance-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(upstream.last.json()).toMatchObject({ model: CLAMP, temperature: 0.8 });
  });
});
