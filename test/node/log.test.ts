// The Node log writer against real pipes: a reader that stops reading, and one that is gone.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { fdLineWriter } from '../../src/node/log.ts';

/** A child process that reads its stdin only once told to (a pipe whose reader stalls). */
function stalledReader() {
  const child = spawn(process.execPath, ['-e', `
    process.stdin.pause();
    setInterval(() => {}, 1000);
    let bytes = 0;
    process.on('SIGUSR2', () => {
      process.stdin.on('data', (chunk) => { bytes += chunk.length; });
      process.stdin.on('end', () => { process.stdout.write(String(bytes)); process.exit(0); });
      process.stdin.resume();
    });
    process.stdout.write('ready ');
  `], { stdio: ['pipe', 'pipe', 'inherit'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  const ready = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  const result = new Promise<string>((resolve) => child.stdout.on('end', () => resolve(text)));
  return { child, ready, result };
}

function fdOf(stream: unknown): number {
  if (typeof stream === 'object' && stream !== null && '_handle' in stream) {
    const handle = stream._handle;
    if (typeof handle === 'object' && handle !== null && 'fd' in handle && typeof handle.fd === 'number') return handle.fd;
  }
  throw new Error('no descriptor');
}

describe('fdLineWriter', () => {
  it('never blocks on a stalled reader: the backlog is bounded, the rest is dropped and counted, and lines flow again once it reads', async () => {
    const { child: reader, ready, result } = stalledReader();
    await ready;
    const writer = fdLineWriter(fdOf(reader.stdin), 64 * 1024);
    const line = JSON.stringify({ msg: 'request', pad: 'p'.repeat(1000) });
    const started = performance.now();
    for (let i = 0; i < 5_000; i += 1) writer.log(line);
    // 5 MB offered to a pipe nobody reads: logging returned at once, keeping at most the backlog.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(writer.dropped()).toBeGreaterThan(4_000);
    reader.kill('SIGUSR2');
    await writer.flush();
    writer.log('after');
    await writer.flush();
    reader.stdin.destroy();
    const [out] = await Promise.all([result, once(reader, 'exit')]);
    const received = Number(out.replace('ready ', ''));
    // What was not dropped arrived whole.
    expect(received).toBe((5_000 - writer.dropped()) * (line.length + 1) + 'after\n'.length);
  });

  it('survives a reader that has gone (EPIPE): no throw, no unhandled error, lines counted as dropped', async () => {
    const reader = spawn(process.execPath, ['-e', 'process.exit(0)'], { stdio: ['pipe', 'ignore', 'inherit'] });
    const fd = fdOf(reader.stdin);
    await once(reader, 'exit');
    const writer = fdLineWriter(fd);
    for (let i = 0; i < 100; i += 1) writer.log('{"msg":"request"}');
    await writer.flush();
    expect(writer.dropped()).toBe(100);
  });

  it('writes lines on its own shortly after they are logged (no flush needed)', async () => {
    const reader = spawn(process.execPath, ['-e', `
      let text = '';
      process.stdin.on('data', (chunk) => { text += chunk; if (text.split('\\n').length > 3) { process.stdout.write(text); process.exit(0); } });
    `], { stdio: ['pipe', 'pipe', 'inherit'] });
    const writer = fdLineWriter(fdOf(reader.stdin));
    let out = '';
    reader.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    // No flush(): the lingering timer alone must get them out.
    for (const line of ['{"n":1}', '{"n":2}', '{"n":3}']) writer.log(line);
    await once(reader, 'exit');
    expect(out).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
    expect(writer.dropped()).toBe(0);
  });
});
