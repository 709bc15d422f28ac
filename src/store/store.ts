// A store as the gateway holds it: the port, the write-behind queue of outcomes in front of
// it, and what the health route shows. The entries open the port (Node: SQLite or Postgres,
// Workers: D1) and hand this to the gateway; the gateway never knows the backend.
import type { Counter, Meter } from '@opentelemetry/api';
import type { StorePort } from './port.ts';
import type { OutcomeRow } from './rows.ts';
import { WriteBehind, type DropReason } from './write-behind.ts';

export type Store = {
  port: StorePort;
  outcomes: WriteBehind<OutcomeRow>;
  /** Workers: the queue is flushed after each request inside waitUntil; Node flushes on a timer. */
  flushAfterEachRequest: boolean;
  /** Feedback stored through this gateway so far: cached results older than a change are not served. */
  feedbackWrites: number;
};

export type StoreHealth = {
  kind: string;
  queued: number;
  written: number;
  dropped: number;
  last_error?: { at: string; error: string };
};

// One line per this many milliseconds at most: a store that is down must not flood the log.
const LOG_EVERY_MS = 10_000;

export type StoreOptions = {
  flushAfterEachRequest: boolean;
  log?: (line: string) => void;
  meter?: Meter;
  maxQueue?: number;
  maxBatch?: number;
};

export function createStore(port: StorePort, options: StoreOptions): Store {
  let counter: Counter | undefined;
  const droppedCounter = () => (counter ??= options.meter?.createCounter('temperance.store.dropped', { unit: '{record}', description: 'Outcome records the store did not get (queue full or write failed)' }));
  let lastLogged = 0;
  let unlogged = 0;
  const onDrop = (count: number, reason: DropReason, error?: string) => {
    droppedCounter()?.add(count, { 'temperance.store.kind': port.kind, 'temperance.store.reason': reason });
    unlogged += count;
    const now = Date.now();
    if (options.log === undefined || now - lastLogged < LOG_EVERY_MS) return;
    options.log(JSON.stringify({ time: new Date(now).toISOString(), level: 'error', msg: 'store: outcome records dropped', store: port.kind, reason, dropped: unlogged, ...(error === undefined ? {} : { error }) }));
    lastLogged = now;
    unlogged = 0;
  };
  const outcomes = new WriteBehind<OutcomeRow>((rows) => port.writeOutcomes(rows), {
    onDrop,
    ...(options.maxQueue === undefined ? {} : { maxQueue: options.maxQueue }),
    ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
  });
  return { port, outcomes, flushAfterEachRequest: options.flushAfterEachRequest, feedbackWrites: 0 };
}

export function storeHealth(store: Store): StoreHealth {
  const stats = store.outcomes.stats();
  return {
    kind: store.port.kind,
    queued: stats.queued,
    written: stats.written,
    dropped: stats.dropped,
    ...(stats.lastError === undefined ? {} : { last_error: stats.lastError }),
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Deletes what is older than the retention; never throws (a failure is logged). */
export async function purgeOld(port: StorePort, retentionDays: number, log?: (line: string) => void, now = Date.now()): Promise<void> {
  try {
    const removed = await port.purge(now - retentionDays * DAY_MS);
    log?.(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'store: retention', store: port.kind, days: retentionDays, ...removed }));
  } catch (error) {
    log?.(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'store: retention failed', store: port.kind, error: error instanceof Error ? error.name : 'unknown' }));
  }
}
