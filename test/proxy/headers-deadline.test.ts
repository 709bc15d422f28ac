// The deadline for the response headers: it runs from the body sent to the answer, no longer.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { HeadersDeadline } from '../../src/proxy/headers-deadline.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

it('expires once its time has passed since start, and says so', () => {
  const onExpiry = vi.fn();
  const deadline = new HeadersDeadline(100, onExpiry);
  deadline.start();
  vi.advanceTimersByTime(99);
  expect(onExpiry).not.toHaveBeenCalled();
  vi.advanceTimersByTime(1);
  expect(onExpiry).toHaveBeenCalledOnce();
  expect(deadline.expired).toBe(true);
});

it('never runs when the answer came before the body was all sent (start after stop)', () => {
  const onExpiry = vi.fn();
  const deadline = new HeadersDeadline(100, onExpiry);
  deadline.stop();
  deadline.start();
  vi.advanceTimersByTime(1000);
  expect(onExpiry).not.toHaveBeenCalled();
  expect(deadline.expired).toBe(false);
});

it('stops when the answer comes in time', () => {
  const onExpiry = vi.fn();
  const deadline = new HeadersDeadline(100, onExpiry);
  deadline.start();
  vi.advanceTimersByTime(50);
  deadline.stop();
  vi.advanceTimersByTime(1000);
  expect(onExpiry).not.toHaveBeenCalled();
});
