import { describe, expect, it } from 'vitest';
import { tapBody } from '../../src/observe/body-tap.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('tapBody', () => {
  it('hands each chunk on before looking at it, and reports the end', async () => {
    const seen: string[] = [];
    const source = new ReadableStream<Uint8Array>({ start(controller) { controller.enqueue(bytes('a')); controller.enqueue(bytes('b')); controller.close(); } });
    const tapped = tapBody(source, { chunk: (chunk) => seen.push(new TextDecoder().decode(chunk)), end: (broken) => seen.push(`end ${broken}`), cancel: () => seen.push('cancel') });
    expect(await new Response(tapped).text()).toBe('ab');
    expect(seen).toEqual(['a', 'b', 'end false']);
  });

  it('reads the source only as fast as its reader, and reports a cancel', async () => {
    let pulls = 0;
    let cancelled = false;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) { pulls += 1; controller.enqueue(bytes(String(pulls))); },
      cancel() { cancelled = true; },
    }, { highWaterMark: 0 });
    const events: string[] = [];
    const reader = tapBody(source, { chunk: () => {}, end: () => events.push('end'), cancel: () => events.push('cancel') }).getReader();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pulls).toBe(1);
    await reader.cancel();
    expect(events).toEqual(['cancel']);
    expect(cancelled).toBe(true);
  });

  it('reports a broken source', async () => {
    const source = new ReadableStream<Uint8Array>({ pull(controller) { controller.error(new Error('reset')); } });
    const events: boolean[] = [];
    await expect(new Response(tapBody(source, { chunk: () => {}, end: (broken) => events.push(broken), cancel: () => {} })).text()).rejects.toThrow();
    expect(events).toEqual([true]);
  });
});
