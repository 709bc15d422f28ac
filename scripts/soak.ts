// `npm run soak`: minutes of load through the Node gateway, printing its RSS and open file
// descriptors over time, to show memory and handles stay flat. Not part of `npm test`.
//   SOAK_MINUTES (default 2), SOAK_CONCURRENCY (default 32)
// The requests go to the support bot's experiment with a store (a SQLite file in a temporary
// folder, or TEMPERANCE_DB=postgres://…) and every fourth gets feedback; at the end the store's
// outcome rows are counted against the requests answered: none may be lost.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import process from 'node:process';
import { freePort } from './free-port.ts';

const minutes = Number(process.env.SOAK_MINUTES ?? 2);
const concurrency = Number(process.env.SOAK_CONCURRENCY ?? 32);

// A stand-in upstream: JSON answers, and streams of a few chunks.
const upstream = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => { body += chunk.toString(); });
  request.on('end', () => {
    if (body.includes('"stream":true')) {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of ['a', 'b', 'c']) response.write(`data: {"choices":[{"index":0,"delta":{"content":"${piece}"}}]}\n\n`);
      response.end('data: [DONE]\n\n');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}');
  });
});
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const upstreamAddress = upstream.address();
const upstreamPort = typeof upstreamAddress === 'object' && upstreamAddress !== null ? upstreamAddress.port : 0;

const storeDir = await mkdtemp(join(tmpdir(), 'temperance-soak-'));
const store = process.env.TEMPERANCE_DB ?? join(storeDir, 'soak.db');
const port = await freePort();
const gateway = spawn(process.execPath, ['src/node.ts'], {
  env: { PATH: process.env.PATH ?? '', PORT: String(port), OPENAI_BASE_URL: `http://127.0.0.1:${upstreamPort}/v1`, TEMPERANCE_DB: store },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve) => gateway.stdout.once('data', () => resolve()));
gateway.stdout.resume();

async function sample(): Promise<{ rssMiB: number; fds: number }> {
  const status = await readFile(`/proc/${gateway.pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { rssMiB: Math.round(rssKiB / 102.4) / 10, fds: (await readdir(`/proc/${gateway.pid}/fd`)).length };
}

const body = (stream: boolean, user: string) => JSON.stringify({ model: 'support-bot', stream, user, temperature: 1.3, messages: [{ role: 'user', content: 'Where is my order? '.repeat(20) }] });
const deadline = Date.now() + minutes * 60_000;
let done = 0;
let failed = 0;
let answered = 0;
let feedbackSent = 0;
let feedbackFailed = 0;
let pending: { request_id: string; metric: string; value: boolean }[] = [];
async function sendFeedback(): Promise<void> {
  const batch = pending;
  pending = [];
  if (batch.length === 0) return;
  const response = await fetch(`http://127.0.0.1:${port}/_temperance/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) }).catch(() => undefined);
  if (response?.status === 202) feedbackSent += batch.length;
  else feedbackFailed += batch.length;
}
async function worker(index: number): Promise<void> {
  for (let i = index; Date.now() < deadline; i += 1) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-soak' }, body: body(i % 3 === 0, `soak-user-${i % 500}`) });
      await response.arrayBuffer();
      answered += 1;
      const id = response.headers.get('x-temperance-request-id');
      if (i % 4 === 0 && id !== null) pending.push({ request_id: id, metric: 'resolved', value: i % 8 === 0 });
      if (pending.length >= 200) await sendFeedback();
      if (response.ok) done += 1;
      else failed += 1;
    } catch {
      failed += 1;
    }
  }
}

const start = await sample();
console.log(`soak: ${minutes} min at concurrency ${concurrency}; gateway pid ${gateway.pid} on :${port}`);
console.log(`t=0s  rss=${start.rssMiB} MiB  fds=${start.fds}`);
const started = Date.now();
const ticker = setInterval(() => {
  void sample().then(({ rssMiB, fds }) => console.log(`t=${Math.round((Date.now() - started) / 1000)}s  requests=${done}  failed=${failed}  rss=${rssMiB} MiB  fds=${fds}`));
}, 10_000);
await Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
await sendFeedback();
clearInterval(ticker);
await new Promise((resolve) => setTimeout(resolve, 2000));
const end = await sample();
console.log(`end: requests=${done} failed=${failed} (${Math.round(done / ((Date.now() - started) / 1000))} req/s)  rss ${start.rssMiB} → ${end.rssMiB} MiB  fds ${start.fds} → ${end.fds}`);
// SIGTERM: the gateway writes what is still queued before it exits.
const exited = new Promise<void>((resolve) => gateway.once('exit', () => resolve()));
gateway.kill('SIGTERM');
await exited;
upstream.close();
if (!/^postgres/i.test(store)) {
  const { DatabaseSync } = await import('node:sqlite');
  const db = new DatabaseSync(store, { readOnly: true });
  const count = (sql: string) => Number(db.prepare(sql).get()?.n ?? -1);
  const outcomes = count('SELECT COUNT(*) AS n FROM outcomes');
  const feedbackRows = count('SELECT COUNT(*) AS n FROM feedback');
  db.close();
  console.log(`store: ${outcomes} outcome rows for ${answered} requests answered (${outcomes === answered ? 'none lost' : `${answered - outcomes} LOST`}); ${feedbackRows} feedback rows for ${feedbackSent} accepted (${feedbackFailed} refused)`);
  await rm(storeDir, { recursive: true, force: true });
}
