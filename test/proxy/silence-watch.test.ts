// The idle watch of a streamed answer: only the upstream's silence counts, never a slow client's.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { SilenceWatch } from '../../src/proxy/silence-watch.ts';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

it('fires once the gateway has waited on the upstream for the whole idle time', () => {
  const onSilence = vi.fn();
  const watch = new SilenceWatch(100, onSilence);
  watch.waiting();
  vi.advanceTimersByTime(60);
  watch.waiting(); // a chunk came: the silence starts again
  vi.advanceTimersByTime(60);
  expect(onSilence).not.toHaveBeenCalled();
  vi.advanceTimersByTime(40);
  expect(onSilence).toHaveBeenCalledOnce();
});

it('never fires while the gateway is not waiting (a client that reads slowly), nor once stopped', () => {
  const onSilence = vi.fn();
  const slow = new SilenceWatch(100, onSilence);
  slow.notWaiting();
  vi.advanceTimersByTime(1000);
  expect(onSilence).not.toHaveBeenCalled();
  slow.stop();
  const stopped = new SilenceWatch(100, onSilence);
  stopped.waiting();
  stopped.stop();
  vi.advanceTimersByTime(1000);
  expect(onSilence).not.toHaveBeenCalled();
});
