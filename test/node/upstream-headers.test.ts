// The Node server end to end: what reaches the upstream is what the client sent.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.ts';
import { nodeRuntime, type RunningGateway } from '../support/runtimes.ts';

const upstream = new FakeUpstream();
let gateway: RunningGateway;

beforeAll(async () => {
  await upstream.start();
  gateway = await nodeRuntime.start({ OPENAI_BASE_URL: upstream.url });
});
afterAll(async () => {
  await gateway.close();
  await upstream.stop();
});

function post(path: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(`${gateway.url}${path}`, { method: 'POST', headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

it('adds no header of its own upstream (Node fetch would add accept-language and sec-fetch-mode)', async () => {
  const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-client', 'x-mine': '1' };
  for (const path of ['/v1/chat/completions', '/v1/embeddings']) {
    expect(await post(path, JSON.stringify({ model: 'gpt-4o-mini', messages: [], input: 'x' }), headers)).toBe(200);
    const names = Object.keys(upstream.last.headers).sort();
    // node:http adds host and connection framing; everything else is the client's.
    expect(names.filter((name) => !['host', 'connection', 'content-length', 'transfer-encoding'].includes(name))).toEqual(['authorization', 'content-type', 'x-mine']);
  }
});
