import { describe, expect, it } from 'vitest';
import { SseSplitter, eventData, eventJson } from '../../src/proxy/sse.ts';

function splitAll(pieces: string[]): { events: string[]; rest: string } {
  const splitter = new SseSplitter();
  const events = pieces.flatMap((piece) => splitter.push(piece));
  return { events, rest: splitter.rest() };
}

describe('SseSplitter', () => {
  it('emits whole events with their exact text, however the text is cut', () => {
    const text = 'data: {"a":1}\n\ndata: {"b":2}\r\n\r\n: comment\rdata: x\r\rdata: [DONE]\n\n';
    const whole = splitAll([text]);
    expect(whole.events).toEqual(['data: {"a":1}\n\n', 'data: {"b":2}\r\n\r\n', ': comment\rdata: x\r\r', 'data: [DONE]\n\n']);
    expect(whole.rest).toBe('');
    // Every cut point, including between \r and \n, gives the same events.
    for (let cut = 1; cut < text.length; cut += 1) {
      expect(splitAll([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
    expect(splitAll([...text])).toEqual(whole);
  });

  it('does not end an event at a \\r that may be the start of \\r\\n', () => {
    const splitter = new SseSplitter();
    expect(splitter.push('data: a\r\n\r')).toEqual([]);
    expect(splitter.push('\n')).toEqual(['data: a\r\n\r\n']);
  });

  it('keeps an unterminated last event as the rest', () => {
    expect(splitAll(['data: 1\n\ndata: 2'])).toEqual({ events: ['data: 1\n\n'], rest: 'data: 2' });
  });
});

describe('eventData', () => {
  it('joins data lines and strips one leading space', () => {
    expect(eventData('event: x\ndata: {"a":\ndata:1}\n\n')).toBe('{"a":\n1}');
    expect(eventData(': only a comment\n\n')).toBeUndefined();
    expect(eventJson('data: [DONE]\n\n')).toBeUndefined();
    expect(eventJson('data: {"a":1}\r\n\r\n')).toEqual({ a: 1 });
  });
});
