// The stage that turns a broken or stalled upstream stream into an error the SDK raises.
import { describe, expect, it } from 'vitest';
import { tapBody } from '../../src/observe/body-tap.ts';
import { guardEventStream } from '../../src/proxy/event-stream-guard.ts';

const encoder = new TextEncoder();

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  return text;
}

describe('guardEventStream', () => {
  it('passes a complete stream through untouched, chunk for chunk', async () => {
    const chunks = ['data: {"a":1}\n\n', 'data: [DONE]\n\n'];
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    });
    const seen: string[] = [];
    for await (const chunk of guardEventStream(source, 1000, 'upstream.test')) seen.push(new TextDecoder().decode(chunk));
    expect(seen).toEqual(chunks);
  });

  it('ends a stream that errors with an SSE error event after ending the half-written one', async () => {
    let pulls = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        if (pulls === 1) controller.enqueue(encoder.encode('data: {"par'));
        else controller.error(new Error('socket hang up'));
      },
    }, { highWaterMark: 0 });
    const text = await readAll(guardEventStream(source, 1000, 'upstream.test'));
    expect(text).toBe('data: {"par\n\ndata: {"error":{"message":"The upstream (upstream.test) stream broke off before it was complete.","type":"server_error","param":null,"code":"upstream_stream_cut"}}\n\n');
  });

  it('ends a silent stream after the idle time, and cancels the upstream', async () => {
    let cancelled: unknown;
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('data: {"a":1}\n\n'));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const started = performance.now();
    const text = await readAll(guardEventStream(source, 50, 'upstream.test'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(text).toContain('"code":"upstream_idle_timeout"');
    expect(text.startsWith('data: {"a":1}\n\n')).toBe(true);
    await expect.poll(() => cancelled).toBeDefined();
  });

  it('cancels the upstream when the client goes away', async () => {
    let cancelled = false;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(encoder.encode('data: x\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    const reader = guardEventStream(source, 1000, 'upstream.test').getReader();
    await reader.read();
    await reader.cancel('client left');
    expect(cancelled).toBe(true);
  });
});

describe('guardEventStream and a slow client', () => {
  it('does not count the time a client takes to read as upstream silence', async () => {
    const chunks = ['data: 1\n\n', 'data: 2\n\n'];
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(encoder.encode(next));
      },
    }, { highWaterMark: 0 });
    const reader = guardEventStream(source, 40, 'upstream.test').getReader();
    const first = await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 120));
    const second = await reader.read();
    const decoder = new TextDecoder();
    expect([decoder.decode(first.value), decoder.decode(second.value)]).toEqual(['data: 1\n\n', 'data: 2\n\n']);
    expect((await reader.read()).done).toBe(true);
  });
});

describe('a tap on a guarded stream', () => {
  const hooksSeeing = (seen: string[]) => ({
    chunk: (chunk: Uint8Array) => {
      seen.push(new TextDecoder().decode(chunk));
      return chunk;
    },
    end: (broken: boolean) => {
      seen.push(`end ${broken}`);
      return encoder.encode('[tail]');
    },
    cancel: () => seen.push('cancel'),
  });

  it('runs inside the guard: one stage, every chunk seen, what the hooks return passed on', async () => {
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of ['data: 1\n\n', 'data: 2\n\n']) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    });
    const guarded = guardEventStream(source, 1000, 'upstream.test');
    const seen: string[] = [];
    const tapped = tapBody(guarded, hooksSeeing(seen));
    expect(tapped).toBe(guarded);
    expect(await readAll(tapped)).toBe('data: 1\n\ndata: 2\n\n[tail]');
    expect(seen).toEqual(['data: 1\n\n', 'data: 2\n\n', 'end false']);
  });

  it('a chunk the hooks hold back does not stall the reader', async () => {
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of ['a', 'b', 'c']) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    });
    let held = '';
    const tapped = tapBody(guardEventStream(source, 1000, 'upstream.test'), {
      chunk: (chunk) => {
        held += new TextDecoder().decode(chunk);
        return held.length < 2 ? undefined : encoder.encode(held);
      },
      end: () => undefined,
      cancel: () => {},
    });
    const reader = tapped.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('ab');
  });

  it('the hooks see the error event of a cut or a silent upstream as the last chunk', async () => {
    const cut = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error('socket hang up'));
      },
    }, { highWaterMark: 0 });
    const seen: string[] = [];
    const text = await readAll(tapBody(guardEventStream(cut, 1000, 'upstream.test'), hooksSeeing(seen)));
    expect(seen[0]).toContain('"code":"upstream_stream_cut"');
    expect(seen[1]).toBe('end false');
    expect(text).toBe(`${seen[0]}[tail]`);

    const silent = new ReadableStream<Uint8Array>({ pull() { return new Promise(() => {}); } }, { highWaterMark: 0 });
    const quiet: string[] = [];
    const ended = await readAll(tapBody(guardEventStream(silent, 50, 'upstream.test'), hooksSeeing(quiet)));
    expect(quiet[0]).toContain('"code":"upstream_idle_timeout"');
    expect(ended.endsWith('[tail]')).toBe(true);
  });

  it('reports a cancel and cancels the upstream; a stream already read gets a stage of its own', async () => {
    let cancelled = false;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) { controller.enqueue(encoder.encode('x')); },
      cancel() { cancelled = true; },
    }, { highWaterMark: 0 });
    const seen: string[] = [];
    const reader = tapBody(guardEventStream(source, 1000, 'upstream.test'), hooksSeeing(seen)).getReader();
    await reader.read();
    await reader.cancel();
    expect(seen).toEqual(['x', 'cancel']);
    expect(cancelled).toBe(true);

    const read = guardEventStream(new ReadableStream<Uint8Array>({ start(controller) { controller.enqueue(encoder.encode('y')); controller.enqueue(encoder.encode('z')); controller.close(); } }), 1000, 'upstream.test');
    const early = read.getReader();
    await early.read();
    early.releaseLock();
    const later: string[] = [];
    const tapped = tapBody(read, hooksSeeing(later));
    expect(tapped).not.toBe(read);
    expect(await readAll(tapped)).toBe('z[tail]');
  });
});
