import { describe, expect, it } from 'vitest';
import { parseOtlpHeaders } from '../../src/telemetry/otlp-headers.ts';

describe('parseOtlpHeaders', () => {
  it('reads key=value pairs with percent-encoded values and skips malformed ones', () => {
    expect(parseOtlpHeaders('x-honeycomb-team=abc%3D%3D, Authorization=Basic%20dXNlcg==,broken,=x,bad=%E0%A4%A')).toEqual({
      'x-honeycomb-team': 'abc==', authorization: 'Basic dXNlcg==',
    });
    expect(parseOtlpHeaders(undefined)).toEqual({});
  });
});
