// Hostile input on a running gateway: hundreds of requests with megabyte values in every
// position a client controls, mixed with normal ones. Every request is answered as a gateway
// should (forwarded, or refused in OpenAI's shape), normal requests keep working, and nothing
// the gateway keeps — trace records, log lines — grows with the input.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DrainUpstream } from '../support/drain-upstream.ts';
import { acceptable, hostileRound, sendAll, tally, type Answer } from '../support/hostile-traffic.ts';
import { client } from '../support/openai-client.ts';
import type { RunningGateway, Runtime } from '../support/runtimes.ts';

/** What one trace record or log line may weigh at most, whatever the client sent. */
const MAX_RECORD_CHARS = 16 * 1024;
const MAX_LOG_LINE_CHARS = 4 * 1024;

function gatewayLogLines(gateway: RunningGateway): string[] {
  // The gateway's own JSON lines (wrangler dev's access log prints the raw path: that is the local dev server's).
  return gateway.output().split('\n').flatMap((line) => {
    const start = line.indexOf('{"time"');
    return start === -1 ? [] : [line.slice(start)];
  });
}

export function defineHostileCases(runtime: Runtime, options: { size: number; rounds: number }): void {
  const upstream = new DrainUpstream();
  let gateway: RunningGateway | undefined;
  beforeAll(async () => {
    const url = await upstream.start();
    gateway = await runtime.start({ OPENAI_BASE_URL: url });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream.stop();
  });

  it('refuses a model over 256 characters with model_too_long, on every governed route, and forwards one of exactly 256', async () => {
    if (gateway === undefined) throw new Error('no gateway');
    const post = async (path: string, model: string) => {
      const response = await fetch(`${gateway?.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [], input: 'hi', prompt: 'hi' }) });
      return { status: response.status, body: await response.json() };
    };
    const sentBefore = upstream.count;
    for (const path of ['/v1/chat/completions', '/v1/responses', '/v1/completions']) {
      const refused = await post(path, `m${'x'.repeat(256)}`);
      expect(refused).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error', param: 'model', code: 'model_too_long', message: 'model is 257 characters long; at most 256 are allowed.' } } });
    }
    expect(upstream.count).toBe(sentBefore);
    expect((await post('/v1/chat/completions', 'x'.repeat(256))).status).toBe(200);
    expect(upstream.count).toBe(sentBefore + 1);
  });

  it(`answers ${options.rounds} rounds of megabyte values in every client position, keeps serving, and keeps nothing whole`, async () => {
    if (gateway === undefined) throw new Error('no gateway');
    const openai = client(gateway);
    const answers: Answer[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      answers.push(...(await sendAll(gateway.url, hostileRound(options.size, `r${round}`, 'clampy'))));
      // A normal client between the floods is served as always: its temperature clamped to the policy's 0.8.
      const { data, response } = await openai.chat.completions.create({ model: 'clampy', messages: [{ role: 'user', content: `normal ${round}` }], temperature: 1.5 }).withResponse();
      expect(response.status).toBe(200);
      expect(data.choices[0]?.message.content).toBe('ok');
      expect(upstream.small.at(-1)).toMatchObject({ model: 'ft:gpt-4o-mini:acme:clamp:1', temperature: 0.8 });
    }
    expect(answers.filter((answer) => !acceptable(answer)), JSON.stringify(tally(answers), null, 1)).toEqual([]);
    const counts = tally(answers);
    expect(counts[`model → 400 model_too_long`]).toBe(options.rounds);
    expect(counts[`completions prompt → 400 model_too_long`]).toBe(options.rounds);
    expect(counts[`temperature as a string → 400 invalid_type`]).toBe(options.rounds);
    expect(counts[`top_p as a huge array → 400 invalid_type`]).toBe(options.rounds);
    expect(counts[`user → 200`]).toBe(options.rounds);
    expect(counts[`metadata → 200`]).toBe(options.rounds);

    const traces = await fetch(`${gateway.url}/_temperance/traces.json`);
    expect(traces.status).toBe(200);
    const records: unknown = await traces.json();
    if (!Array.isArray(records)) throw new Error('traces.json is not a list');
    expect(records.length).toBeGreaterThan(50);
    for (const record of records) expect(JSON.stringify(record).length).toBeLessThan(MAX_RECORD_CHARS);
    const modelRecord = records.find((record) => typeof record === 'object' && record !== null && 'errorType' in record && record.errorType === 'model_too_long');
    expect(modelRecord).toMatchObject({ requestedModel: expect.stringMatching(/…\[\d+ chars\]$/) });

    await expect.poll(() => gatewayLogLines(gateway as RunningGateway).length, { timeout: 10_000 }).toBeGreaterThan(options.rounds * 10);
    for (const line of gatewayLogLines(gateway)) expect(line.length).toBeLessThan(MAX_LOG_LINE_CHARS);
  });
}
