import { describe, expect, it } from 'vitest';
import { Observation } from '../../src/observe/observation.ts';
import { asksForUsage, keepEvent, spliceUsage, withUsage } from '../../src/proxy/usage-filter.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A stream as the gateway passes it on when it asked for usage the client did not ask for. */
function hidingUsage(source: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const observation = new Observation(
    { sinks: [], telemetry: undefined, captureContent: false, upstream: new URL('http://upstream.test/v1') },
    new Request('http://gateway.test/v1/chat/completions', { method: 'POST' }), 'chat', 'request-1',
  );
  const response = observation.respond(new Response(source, { headers: { 'content-type': 'text/event-stream' } }), { hideUsageChunk: true });
  if (response.body === null) throw new Error('no body');
  return response.body;
}

async function filtered(pieces: readonly string[]): Promise<{ text: string; chunks: number }> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece));
      controller.close();
    },
  });
  let text = '';
  let chunks = 0;
  const reader = hidingUsage(source).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks += 1;
    text += decoder.decode(value, { stream: true });
  }
  return { text: text + decoder.decode(), chunks };
}

const chunk = (content: string) => `data: {"id":"c","choices":[{"index":0,"delta":{"content":"${content}"}}],"usage":null}`;
const usage = 'data: {"id":"c","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}';

describe('usageFilter', () => {
  for (const eol of ['\n', '\r\n'] as const) {
    it(`removes only the usage-only chunk (${JSON.stringify(eol)} line endings)`, async () => {
      const stream = [chunk('Hi'), chunk(' there'), usage, 'data: [DONE]'].map((event) => `${event}${eol}${eol}`).join('');
      const expected = [chunk('Hi'), chunk(' there'), 'data: [DONE]'].map((event) => `${event}${eol}${eol}`).join('');
      expect((await filtered([stream])).text).toBe(expected);
      // Cut at every position, so events (and \r\n pairs) are split across chunks.
      for (let cut = 1; cut < stream.length; cut += 7) {
        expect((await filtered([stream.slice(0, cut), stream.slice(cut)])).text).toBe(expected);
      }
      expect((await filtered([...stream])).text).toBe(expected);
    });
  }

  it('passes each complete event on as soon as it is whole', async () => {
    const result = await filtered([`${chunk('a')}\n\n`, `${chunk('b')}\n\n`, `${usage}\n\n`, 'data: [DONE]\n\n']);
    expect(result.chunks).toBe(3);
  });

  it('passes through a multi-byte character split across chunks', async () => {
    const stream = `${chunk('héllo ✓')}\n\n`;
    const bytes = encoder.encode(stream);
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of bytes) controller.enqueue(new Uint8Array([byte]));
        controller.close();
      },
    });
    const text = await new Response(hidingUsage(source)).text();
    expect(text).toBe(stream);
  });

  it('passes whole chunks on as they came, and cuts anywhere in the bytes (inside a character, after a blank line) still give the same text', async () => {
    // A line of an unknown field that starts with a multi-byte character, right after a blank line.
    const stream = `${chunk('é')}\n\né: x\n\n${chunk('✓ b')}\n\n${usage}\n\ndata: [DONE]\n\n`;
    const expected = `${chunk('é')}\n\né: x\n\n${chunk('✓ b')}\n\ndata: [DONE]\n\n`;
    const bytes = encoder.encode(stream);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      for (const second of [cut + 1, cut + 5, bytes.length]) {
        const parts = [bytes.slice(0, cut), bytes.slice(cut, second), bytes.slice(second)].filter((part) => part.byteLength > 0);
        const source = new ReadableStream<Uint8Array>({
          start(controller) {
            for (const part of parts) controller.enqueue(part);
            controller.close();
          },
        });
        expect(await new Response(hidingUsage(source)).text(), `cut at ${cut}, ${second}`).toBe(expected);
      }
    }
  });

  it('keeps an unterminated final event', async () => {
    expect((await filtered([`${chunk('a')}\n\ndata: [DONE]`])).text).toBe(`${chunk('a')}\n\ndata: [DONE]`);
  });
});

describe('keepEvent', () => {
  it('drops only the usage-only chunk', () => {
    expect(keepEvent(`${usage}\n\n`)).toBe(false);
    expect(keepEvent(`${chunk('a')}\n\n`)).toBe(true);
    expect(keepEvent('data: {"choices": [ ], "usage": {"total_tokens": 1}}\n\n')).toBe(false);
    expect(keepEvent('data: {"choices":[],"note":"no usage here"}\n\n')).toBe(true);
    expect(keepEvent('data: [DONE]\n\n')).toBe(true);
  });
});

describe('asking for usage', () => {
  it('knows when the client asked itself', () => {
    expect(asksForUsage({ stream_options: { include_usage: true } })).toBe(true);
    expect(asksForUsage({ stream_options: { include_usage: false } })).toBe(false);
    expect(asksForUsage({})).toBe(false);
  });

  it('merges include_usage into the client stream_options', () => {
    expect(withUsage({ stream: true, stream_options: { include_obfuscation: false } })).toEqual({
      stream: true, stream_options: { include_obfuscation: false, include_usage: true },
    });
  });

  it("splices it into the client's own bytes, keeping big integers exact", () => {
    const raw = ' {"model":"m","stream":true,"seed":12345678901234567890}';
    const spliced = spliceUsage(encoder.encode(raw), JSON.parse(raw));
    expect(spliced && decoder.decode(spliced)).toBe(' {"stream_options":{"include_usage":true},"model":"m","stream":true,"seed":12345678901234567890}');
    expect(spliceUsage(encoder.encode('{"stream_options":{}}'), { stream_options: {} })).toBeUndefined();
  });
});
