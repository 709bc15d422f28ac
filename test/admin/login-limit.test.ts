import { describe, expect, it } from 'vitest';
import { createLoginLimiter } from '../../src/admin/login-limit.ts';

describe('the login limiter', () => {
  const limits = { maxFailures: 3, windowMs: 60_000, maxClients: 4 };

  it('refuses an address after maxFailures wrong keys until its window ends, with the seconds left', () => {
    const limiter = createLoginLimiter(limits);
    for (let i = 0; i < 3; i += 1) {
      expect(limiter.check('203.0.113.9', 1_000)).toEqual({ allowed: true });
      limiter.failed('203.0.113.9', 1_000);
    }
    expect(limiter.check('203.0.113.9', 1_000)).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(limiter.check('203.0.113.9', 31_500)).toEqual({ allowed: false, retryAfterSeconds: 30 });
    // Another address is not affected.
    expect(limiter.check('198.51.100.7', 1_000)).toEqual({ allowed: true });
    expect(limiter.check('203.0.113.9', 61_000)).toEqual({ allowed: true });
  });

  it('a right key clears the count', () => {
    const limiter = createLoginLimiter(limits);
    limiter.failed('a', 0);
    limiter.failed('a', 0);
    limiter.succeeded('a');
    limiter.failed('a', 0);
    limiter.failed('a', 0);
    expect(limiter.check('a', 0)).toEqual({ allowed: true });
  });

  it('keeps at most maxClients addresses, dropping the oldest, and only a prefix of each', () => {
    const limiter = createLoginLimiter(limits);
    for (let i = 0; i < 100; i += 1) limiter.failed(`client-${i}-${'x'.repeat(10_000)}`, 0);
    expect(limiter.size()).toBe(4);
    // Addresses that differ only after the kept prefix are one client.
    const long = 'y'.repeat(100);
    for (let i = 0; i < 3; i += 1) limiter.failed(`${long}${i}`, 0);
    expect(limiter.check(`${long}z`, 0).allowed).toBe(false);
  });
});
