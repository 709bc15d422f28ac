import { describe, expect, it } from 'vitest';
import { createRedactor, redactKeyLike } from '../src/redact.ts';

describe('redaction', () => {
  it('removes OpenAI-style keys and bearer tokens wherever they stand', () => {
    expect(redactKeyLike('model gpt-sk-proj-AbCdEf123456 and sess-ZZZZZZZZZZ')).toBe('model gpt-[redacted] and [redacted]');
    expect(redactKeyLike('{"x":"Bearer abc.def-123"}')).toBe('{"x":"Bearer [redacted]"}');
    expect(redactKeyLike('sk-short')).toBe('sk-short');
  });

  it("removes the gateway's keys and the key a request presented, whatever their shape", () => {
    const redact = createRedactor(['gw-team-key-1', undefined, 'admin-pass-2', 'tiny']);
    expect(redact('a gw-team-key-1 b admin-pass-2 c client-own-secret d tiny', 'client-own-secret')).toBe('a [redacted] b [redacted] c [redacted] d tiny');
    expect(redact('nothing to hide')).toBe('nothing to hide');
  });
});
