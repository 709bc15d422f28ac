import { describe, expect, it } from 'vitest';
import { readBodyWithin } from '../../src/proxy/read-body.ts';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function chunked(parts: string[]): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
      controller.close();
    },
  });
  return new Request('http://gateway.test/v1/chat/completions', { method: 'POST', body, duplex: 'half' });
}

describe('readBodyWithin', () => {
  it('reads a body of declared length, up to exactly the limit', async () => {
    // As a server sees it: the length declared in a header.
    const request = new Request('http://gateway.test/', { method: 'POST', body: '{"a":1}', headers: { 'content-length': '7' } });
    const read = await readBodyWithin(request, 7);
    expect(read.ok && text(read.bytes)).toBe('{"a":1}');
  });

  it('refuses a declared length over the limit, reading the rest only to drop it (so the refusal reaches the client)', async () => {
    const request = new Request('http://gateway.test/', { method: 'POST', body: '{"a":12}', headers: { 'content-length': '8' } });
    expect(await readBodyWithin(request, 7)).toEqual({ ok: false });
    expect(request.bodyUsed).toBe(true);
  });

  it('drains an oversized body to its end, within bounds, and does not wait for a client that stops sending', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    const flood = new Request('http://gateway.test/', { method: 'POST', body: endless, duplex: 'half' });
    expect(await readBodyWithin(flood, 7)).toEqual({ ok: false });
    // DRAIN_LIMITS.bytes (64 MiB) and then cancelled, not read forever.
    expect(pulled).toBeGreaterThan(60);
    expect(pulled).toBeLessThan(80);

    const silent = new Request('http://gateway.test/', { method: 'POST', body: new ReadableStream<Uint8Array>({ start(controller) { controller.enqueue(new Uint8Array(100)); } }), duplex: 'half' });
    const began = Date.now();
    expect(await readBodyWithin(silent, 7, { bytes: 1024, ms: 200 })).toEqual({ ok: false });
    expect(Date.now() - began).toBeLessThan(2000);
  });

  it('counts the bytes of a body without a length, and stops past the limit', async () => {
    const read = await readBodyWithin(chunked(['{"a":', '1}']), 7);
    expect(read.ok && text(read.bytes)).toBe('{"a":1}');
    expect(await readBodyWithin(chunked(['{"a":', '12}']), 7)).toEqual({ ok: false });
  });

  it('reads no body as empty', async () => {
    const read = await readBodyWithin(new Request('http://gateway.test/', { method: 'POST' }), 7);
    expect(read.ok && read.bytes.byteLength).toBe(0);
  });
});
