import { describe, expect, it } from 'vitest';
import { tapBody } from '../../src/observe/body-tap.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('tapBody', () => {
  it('hands each chunk on, and reports the end', async () => {
    const seen: string[] = [];
    const source = new ReadableStream<Uint8Array>({ start(controller) { controller.enqueue(bytes('a')); controller.enqueue(bytes('b')); controller.close(); } });
    const tapped = tapBody(source, { chunk: (chunk) => { seen.push(new TextDecoder().decode(chunk)); return chunk; }, end: (broken) => { seen.push(`end ${broken}`); return undefined; }, cancel: () => seen.push('cancel') });
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
    const reader = tapBody(source, { chunk: (chunk) => chunk, end: () => { events.push('end'); return undefined; }, cancel: () => events.push('cancel') }).getReader();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pulls).toBe(1);
    await reader.cancel();
    expect(events).toEqual(['cancel']);
    expect(cancelled).toBe(true);
  });

  it('passes on what the hook returns: a chunk held back does not stall the reader, the end may add bytes', async () => {
    const source = new ReadableStream<Uint8Array>({ start(controller) { for (const piece of ['a', 'b', 'c']) controller.enqueue(bytes(piece)); controller.close(); } });
    let held = '';
    const tapped = tapBody(source, {
      chunk: (chunk) => {
        held += new TextDecoder().decode(chunk);
        if (held.length < 2) return undefined;
        const out = bytes(held.toUpperCase());
        held = '';
        return out;
      },
      end: () => bytes(`${held}!`),
      cancel: () => {},
    });
    expect(await new Response(tapped).text()).toBe('ABc!');
  });

  it('reports a broken source', async () => {
    const source = new ReadableStream<Uint8Array>({ pull(controller) { controller.error(new Error('reset')); } });
    const events: boolean[] = [];
    await expect(new Response(tapBody(source, { chunk: (chunk) => chunk, end: (broken) => { events.push(broken); return undefined; }, cancel: () => {} })).text()).rejects.toThrow();
    expect(events).toEqual([true]);
  });
});
