import { describe, expect, it } from 'vitest';
import { isRetryableStatus, retryDelay } from '../../src/proxy/retry-delay.ts';

describe('retryDelay', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  it.each([
    [{ 'retry-after-ms': '150' }, 150],
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': 'Tue, 01 Dec 2026 12:00:03 GMT' }, 3000],
    [{ 'retry-after': '60' }, undefined],
    [{ 'retry-after': 'soon' }, 250],
    [{}, 250],
  ])('%j → %s ms (cap 5 s)', (headers, expected) => {
    expect(retryDelay(new Headers(headers), 0, 5000, now)).toBe(expected);
  });

  it('backs off exponentially up to the cap without a hint', () => {
    expect([0, 1, 2, 3, 6].map((attempt) => retryDelay(undefined, attempt, 3000, now))).toEqual([250, 500, 1000, 2000, 3000]);
  });

  it('retries rate limits and server errors, not client errors', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 413, 422].some(isRetryableStatus)).toBe(false);
  });
});
