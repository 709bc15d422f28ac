// The Node server's store from TEMPERANCE_DB (contract 9): `off`, `postgres://…` (or
// postgresql://), or a SQLite file path. Migrated at start; retention at start and hourly;
// outcomes flushed every second off the request path; everything flushed and closed on close.
import type { Meter } from '@opentelemetry/api';
import type { Config } from '../config.ts';
import type { StorePort } from '../store/port.ts';
import { createStore, purgeOld, type Store } from '../store/store.ts';
import { errorKind } from '../store/write-behind.ts';

const FLUSH_EVERY_MS = 1000;
const RETENTION_EVERY_MS = 60 * 60 * 1000;

export type NodeStore = { store: Store | undefined; close: () => Promise<void> };
export type NodeStoreResult = { ok: true; value: NodeStore } | { ok: false; errors: string[] };

const isPostgres = (value: string) => /^postgres(ql)?:\/\//i.test(value);

/**
 * A port whose migrations run before its first use when they could not run at start (a
 * Postgres that was down): the gateway starts anyway, and the store catches up when it is back.
 */
function migratedBeforeUse(port: StorePort, migrated: boolean): StorePort {
  let ready: Promise<void> | undefined = migrated ? Promise.resolve() : undefined;
  const ensure = () => {
    ready ??= port.migrate().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
  return {
    kind: port.kind,
    migrate: ensure,
    writeOutcomes: async (rows) => { await ensure(); await port.writeOutcomes(rows); },
    upsertFeedback: async (rows) => { await ensure(); await port.upsertFeedback(rows); },
    readExperiment: async (name) => { await ensure(); return port.readExperiment(name); },
    unmatchedFeedback: async () => { await ensure(); return port.unmatchedFeedback(); },
    purge: async (before) => { await ensure(); return port.purge(before); },
    close: () => port.close(),
  };
}

export async function openNodeStore(config: Config, log: (line: string) => void, meter?: Meter): Promise<NodeStoreResult> {
  const target = config.TEMPERANCE_DB;
  if (target.toLowerCase() === 'off') return { ok: true, value: { store: undefined, close: async () => {} } };
  let port: StorePort;
  let migrated = false;
  if (isPostgres(target)) {
    const { openPostgresStore } = await import('../store/postgres.ts');
    port = openPostgresStore(target);
    try {
      await port.migrate();
      migrated = true;
    } catch (error) {
      // Never the URL: it may hold a password.
      log(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'store: Postgres not reachable at start; outcomes are dropped until it is', store: 'postgres', error: errorKind(error) }));
    }
  } else {
    // node:sqlite only here, on the Node side: the Worker never loads it.
    const { openSqliteStore } = await import('../store/sqlite.ts');
    try {
      port = openSqliteStore(target);
      await port.migrate();
      migrated = true;
    } catch (error) {
      return { ok: false, errors: [`TEMPERANCE_DB: the SQLite file could not be opened or migrated (${errorKind(error)}); set a writable path, postgres://…, or off`] };
    }
  }
  const wrapped = migratedBeforeUse(port, migrated);
  // SQLite writes block the event loop for their batch: smaller batches keep each pause short.
  const store = createStore(wrapped, { flushAfterEachRequest: false, log, maxBatch: wrapped.kind === 'sqlite' ? 64 : 256, ...(meter === undefined ? {} : { meter }) });
  store.outcomes.every(FLUSH_EVERY_MS);
  const retention = () => purgeOld(wrapped, config.EXPERIMENT_RETENTION_DAYS, log);
  void retention();
  const timer = setInterval(() => void retention(), RETENTION_EVERY_MS);
  timer.unref();
  return {
    ok: true,
    value: {
      store,
      close: async () => {
        clearInterval(timer);
        await store.outcomes.shutdown();
        await wrapped.close();
      },
    },
  };
}
