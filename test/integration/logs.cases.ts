// The request log and the leak test: one structured line per request, and no key — the
// gateway's own or a client's — in any response, error or log line, wherever it was put.
import { expect, it } from 'vitest';
import { useGateway } from '../support/gateway-fixture.ts';
import type { Runtime } from '../support/runtimes.ts';
import { logLines } from '../support/log-lines.ts';

const UPSTREAM_KEY = 'sk-proj-UPSTREAMLEAK0123456789';
const GATEWAY_KEY = 'gw-team-GATEWAYLEAK-4567';
const ADMIN_KEY = 'admin-ADMINLEAK-8910';
const WRONG_KEY = 'gw-team-WRONGLEAK-1112';
const MARKERS = ['UPSTREAMLEAK', 'GATEWAYLEAK', 'ADMINLEAK', 'WRONGLEAK'];


export function defineLogCases(runtime: Runtime): void {
  const fixture = useGateway(runtime, { apiKey: GATEWAY_KEY, env: { OPENAI_API_KEY: UPSTREAM_KEY, GATEWAY_API_KEYS: `other-key-000000,${GATEWAY_KEY}`, ADMIN_API_KEY: ADMIN_KEY, UNLISTED_MODELS: 'reject' } });
  const { upstream } = fixture;

  it('writes one structured line per request, with the client request id honoured', async () => {
    const { response } = await fixture.openai.chat.completions.create({ model: 'clampy', messages: [{ role: 'user', content: 'Hi' }] }, { headers: { 'x-request-id': 'req-log-test-1' } }).withResponse();
    expect(response.headers.get('x-temperance-request-id')).toBe('req-log-test-1');
    await expect.poll(() => logLines(fixture.gateway.output()).find((line) => line.id === 'req-log-test-1'), { timeout: 5000 }).toMatchObject({
      msg: 'request', level: 'info', method: 'POST', path: '/v1/chat/completions', model: 'clampy', policy: 'clamp', status: 200, stream: false, attempts: 1,
      duration_ms: expect.any(Number),
    });
    const made = await fetch(`${fixture.gateway.url}/v1/models/clampy`, { headers: { authorization: `Bearer ${GATEWAY_KEY}` } });
    const id = made.headers.get('x-temperance-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await expect.poll(() => logLines(fixture.gateway.output()).some((line) => line.id === id && line.status === 200), { timeout: 5000 }).toBe(true);
  });

  it('shows no key in any response, error or log line, wherever the client put one', async () => {
    const texts: string[] = [];
    const send = async (path: string, init: RequestInit) => {
      const response = await fetch(`${fixture.gateway.url}${path}`, init);
      texts.push(JSON.stringify([...response.headers]), await response.text());
      return response.status;
    };
    const auth = { authorization: `Bearer ${GATEWAY_KEY}`, 'content-type': 'application/json' };
    const everywhere = {
      'x-api-key': UPSTREAM_KEY, 'openai-organization': ADMIN_KEY, 'x-request-id': `id-${UPSTREAM_KEY}`, 'x-custom': `Bearer ${UPSTREAM_KEY}`,
    };
    const statuses = [
      await send('/v1/chat/completions', { method: 'POST', headers: { ...auth, ...everywhere }, body: JSON.stringify({ model: 'clampy', messages: [{ role: 'user', content: `my key is ${UPSTREAM_KEY}` }], user: GATEWAY_KEY, metadata: { k: ADMIN_KEY } }) }),
      await send(`/v1/chat/completions?key=${UPSTREAM_KEY}`, { method: 'POST', headers: auth, body: JSON.stringify({ model: `gpt-${UPSTREAM_KEY}`, messages: [] }) }),
      await send('/v1/chat/completions', { method: 'POST', headers: auth, body: `{"model": "${GATEWAY_KEY}", ${UPSTREAM_KEY}` }),
      await send('/v1/chat/completions', { method: 'POST', headers: { ...auth, authorization: `Bearer ${WRONG_KEY}` }, body: '{}' }),
      await send('/v1/responses', { method: 'POST', headers: auth, body: JSON.stringify({ model: 'clampy', input: ADMIN_KEY, instructions: UPSTREAM_KEY, temperature: ADMIN_KEY }) }),
      await send(`/v1/files?purpose=${UPSTREAM_KEY}`, { method: 'GET', headers: { authorization: `Bearer ${GATEWAY_KEY}` } }),
      await send(`/nowhere/${ADMIN_KEY}`, { method: 'GET' }),
    ];
    expect(statuses).toEqual([200, 400, 400, 401, 400, 404, 404]);
    // The upstream got the gateway's key, and never a gateway key.
    expect(upstream.requests.length).toBeGreaterThanOrEqual(2);
    for (const request of upstream.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
      expect(JSON.stringify(request.headers)).not.toContain('GATEWAYLEAK');
    }
    await expect.poll(() => logLines(fixture.gateway.output()).filter((line) => line.msg === 'request').length, { timeout: 5000 }).toBeGreaterThanOrEqual(7);
    // wrangler dev's own access log ([wrangler:info] METHOD PATH) is the local dev server's, not the gateway's.
    const logged = fixture.gateway.output().split('\n').filter((line) => !line.includes('[wrangler:info]'));
    const seen = [...texts, ...logged].join('\n');
    for (const marker of MARKERS) expect(seen).not.toContain(marker);
  });
}
