// The Node server end to end: what reaches the upstream is what the client sent.
import { request as httpRequest } from 'node:http';
import { expect, it } from 'vitest';
import { useGateway } from '../support/gateway-fixture.ts';
import { nodeRuntime } from '../support/runtimes.ts';

const fixture = useGateway(nodeRuntime);
const { upstream } = fixture;

function post(path: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(`${fixture.gateway.url}${path}`, { method: 'POST', headers }, (response) => {
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
