// The Node gateway as `npm run start:node` runs it (its own process, the shipped policies,
// stdout a pipe) under hostile traffic: its resident memory, read from /proc, reaches a plateau.
// Before the fix, 40 requests with 4 MiB model names raised RSS from 124 to 364 MiB for good,
// and 12 MiB names killed the process at the heap limit.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/free-port.ts';
import { DrainUpstream } from '../support/drain-upstream.ts';
import { acceptable, hostileRound, sendAll, tally, type Answer } from '../support/hostile-traffic.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MiB = 1024 * 1024;
/** What a second, twice as large batch may add to the RSS the first one left. */
// Four 4 MiB requests in flight hold about 100 MiB while parsed, so RSS wanders by some tens
// of MiB between batches; before the fix every such batch kept hundreds of MiB more.
const PLATEAU_SLACK_MIB = 96;

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kib === undefined) throw new Error('no VmRSS');
  return Number(kib) / 1024;
}

describe('the Node server under hostile traffic', () => {
  const upstream = new DrainUpstream();
  let child: ReturnType<typeof spawn> | undefined;
  let url = '';
  let logBytes = 0;

  beforeAll(async () => {
    const upstreamUrl = await upstream.start();
    const port = await freePort();
    // A capped old space keeps V8 from growing its heap to the traffic (which alone moves RSS
    // by 100 MiB between batches): what remains is what the gateway keeps, and anything kept
    // per request would hit the cap and end the process, as 12 MiB model names did before.
    child = spawn(process.execPath, ['--max-old-space-size=192', 'src/node.ts'], {
      cwd: root,
      // glibc raises its mmap threshold after large frees, then keeps freed body buffers in its
      // heap: fixing the threshold returns them to the system, so RSS shows what is kept.
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', OPENAI_BASE_URL: upstreamUrl, TEMPERANCE_DB: 'off', NODE_NO_WARNINGS: '1', MALLOC_MMAP_THRESHOLD_: '131072' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    url = `http://127.0.0.1:${port}`;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server did not start')), 20_000);
      child?.stdout?.on('data', (chunk: Buffer) => {
        logBytes += chunk.length;
        if (chunk.toString().includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  });

  afterAll(async () => {
    child?.kill('SIGTERM');
    await upstream.stop();
  });

  const batch = async (rounds: number, size: number, tag: string): Promise<Answer[]> => {
    const answers: Answer[] = [];
    for (let round = 0; round < rounds; round += 1) answers.push(...(await sendAll(url, hostileRound(size, `${tag}${round}`, 'support-bot'))));
    // Idle a moment: V8's memory reducer collects and gives back what was only in flight.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    return answers;
  };

  it('reaches an RSS plateau: a second, twice as large batch of 4 MiB values adds almost nothing', async () => {
    const pid = child?.pid;
    if (pid === undefined) throw new Error('no server process');
    // V8 grows its heap to the traffic first: measure once it has.
    await batch(6, 4 * MiB, 'warm');
    const start = await rssMiB(pid);
    const logBefore = logBytes;
    const first = await batch(4, 4 * MiB, 'a');
    const afterFirst = await rssMiB(pid);
    const second = await batch(8, 4 * MiB, 'b');
    const afterSecond = await rssMiB(pid);
    const answers = [...first, ...second];
    const requests = answers.length;
    const logPerRequest = (logBytes - logBefore) / requests;
    console.log(`hostile traffic on Node: ${requests} requests of 4 MiB values; RSS ${start.toFixed(0)} → ${afterFirst.toFixed(0)} (first ${first.length}) → ${afterSecond.toFixed(0)} MiB (second ${second.length}); log ${(logBytes - logBefore).toLocaleString('en')} bytes (${logPerRequest.toFixed(0)} per request)`);
    console.log(JSON.stringify(tally(answers)));

    expect(answers.filter((answer) => !acceptable(answer))).toEqual([]);
    expect(afterSecond - afterFirst).toBeLessThan(PLATEAU_SLACK_MIB);
    expect(logPerRequest).toBeLessThan(2048);
    const traces = await fetch(`${url}/_temperance/traces.json`);
    expect(traces.status).toBe(200);
    expect((await traces.text()).length).toBeLessThan(2 * MiB);
    // Nothing blocked its log: the pipe was read, so no line was dropped.
    expect(await (await fetch(`${url}/_temperance/health`)).json()).toMatchObject({ status: 'ok', log: { dropped: 0 } });
    const normal = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'support-bot', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(normal.status).toBe(200);
  }, 180_000);
});
