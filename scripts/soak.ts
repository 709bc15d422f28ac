// `npm run soak`: minutes of load through the Node gateway, printing its RSS and open file
// descriptors over time, to show memory and handles stay flat. Not part of `npm test`.
//   SOAK_MINUTES (default 2), SOAK_CONCURRENCY (default 32)
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
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

const port = await freePort();
const gateway = spawn(process.execPath, ['src/node.ts'], {
  env: { PATH: process.env.PATH ?? '', PORT: String(port), OPENAI_BASE_URL: `http://127.0.0.1:${upstreamPort}/v1` },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve) => gateway.stdout.once('data', () => resolve()));
gateway.stdout.resume();

async function sample(): Promise<{ rssMiB: number; fds: number }> {
  const status = await readFile(`/proc/${gateway.pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { rssMiB: Math.round(rssKiB / 102.4) / 10, fds: (await readdir(`/proc/${gateway.pid}/fd`)).length };
}

const body = (stream: boolean) => JSON.stringify({ model: 'support-bot', stream, temperature: 1.3, messages: [{ role: 'user', content: 'Where is my order? '.repeat(20) }] });
const deadline = Date.now() + minutes * 60_000;
let done = 0;
let failed = 0;
async function worker(index: number): Promise<void> {
  for (let i = index; Date.now() < deadline; i += 1) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-soak' }, body: body(i % 3 === 0) });
      await response.arrayBuffer();
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
clearInterval(ticker);
await new Promise((resolve) => setTimeout(resolve, 2000));
const end = await sample();
console.log(`end: requests=${done} failed=${failed} (${Math.round(done / ((Date.now() - started) / 1000))} req/s)  rss ${start.rssMiB} → ${end.rssMiB} MiB  fds ${start.fds} → ${end.fds}`);
gateway.kill('SIGTERM');
upstream.close();
