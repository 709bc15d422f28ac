// The gateway as a Node server: config from the environment, policies from POLICIES_DIR
// (reloaded on change, the last valid set kept). node:http serves it: the governed and
// pass-through routes on the Node-native path (src/node/native-route.ts), everything else by the
// Hono app through @hono/node-server's listener.
import { getRequestListener } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig, upstreamsFilePath, type Config } from '../config.ts';
import { buildGateway } from '../gateway.ts';
import { nativeRoutes } from './native-route.ts';
import { loadPolicies } from '../policy/load.ts';
import type { PolicySet } from '../policy/policy-set.ts';
import { readPolicyDir, watchPolicyDir } from './policy-dir.ts';
import { createUpstreamClient } from './upstream-fetch.ts';
import { openNodeStore } from './open-store.ts';
import { readUpstreamsFile } from './upstreams-file.ts';
import type { UpstreamsFile } from '../upstream/schema.ts';

export type NodeGateway = {
  url: string;
  /** The store's kind, or undefined when it is off. */
  store: string | undefined;
  config: Config;
  policies: () => PolicySet;
  /** Reads the folder again; resolves to the errors that kept the old set, or [] when swapped. */
  reload: () => Promise<string[]>;
  close: () => Promise<void>;
};

function healthOf(logDropped: () => number): () => Record<string, unknown> {
  return () => ({ log: { dropped: logDropped() } });
}

export type StartResult = { ok: true; gateway: NodeGateway } | { ok: false; errors: string[] };

/** Takes one log line: a JSON text, already redacted. */
export type Logger = (line: string) => void;

async function readPolicies(dir: string, upstreams: UpstreamsFile) {
  const read = await readPolicyDir(dir);
  if (!read.ok) return read;
  const loaded = loadPolicies(read.sources, Math.floor(Date.now() / 1000), upstreams);
  return loaded.ok ? { ok: true as const, set: loaded.value } : loaded;
}

export type StartOptions = {
  /** Watch POLICIES_DIR and reload on change (default true). */
  watch?: boolean;
  /** The upstream client (default: undici's request(), see upstream-fetch.ts); the benchmark passes Node's fetch to compare. */
  fetch?: typeof fetch;
  /** Log lines the writer had to drop (a blocked or closed stdout), shown by the health route. */
  logDropped?: () => number;
};

export async function startNodeServer(env: Record<string, unknown>, log: Logger, options: StartOptions = {}): Promise<StartResult> {
  // upstreams.yaml first: it names the key variables the settings must hold. Read once at start
  // (keys come from the environment, which cannot change without a restart either).
  const where = upstreamsFilePath(env);
  const upstreams = await readUpstreamsFile(where.path, where.required);
  const parsed = parseConfig(env, upstreams.ok ? upstreams.value : {});
  if (!upstreams.ok || !parsed.ok) return { ok: false, errors: [...(upstreams.ok ? [] : upstreams.errors), ...(parsed.ok ? [] : parsed.errors)] };
  const { config } = parsed;
  const initial = await readPolicies(config.POLICIES_DIR, upstreams.value);
  if (!initial.ok) return initial;

  // One assignment swaps the set: a request sees the old set or the new one, never a mix.
  let current = initial.set;
  // A fetch passed in belongs to the caller: closing the gateway leaves it alone.
  const upstream = options.fetch === undefined ? createUpstreamClient() : { fetch: options.fetch, dispatcher: undefined, close: async () => {} };
  // The collector gets Node's own fetch: its requests are the gateway's, not a client's.
  // The SDK is loaded only when a collector is configured: without one, its modules would cost
  // start-up time and RSS for nothing (in the bundle, a dynamic import is evaluated only when reached).
  const telemetry = config.OTEL_EXPORTER_OTLP_ENDPOINT === undefined
    ? undefined
    : (await import('../telemetry/create-telemetry.ts')).createTelemetry(config, globalThis.fetch, { every: config.OTEL_METRIC_EXPORT_INTERVAL }, 'nodejs');
  const opened = await openNodeStore(config, log, telemetry?.meter);
  if (!opened.ok) {
    await telemetry?.shutdown();
    await upstream.close();
    return opened;
  }
  const { store } = opened.value;
  const { app, core } = buildGateway({
    config,
    policies: () => current,
    fetch: upstream.fetch,
    log,
    ...(telemetry === undefined ? {} : { telemetry }),
    ...(store === undefined ? {} : { store }),
    ...(options.logDropped === undefined ? {} : { health: healthOf(options.logDropped) }),
    // The socket's own remote address: a header could be sent by anyone.
    clientAddress: (c) => getConnInfo(c).remote.address,
  });
  const reload = async (): Promise<string[]> => {
    const next = await readPolicies(config.POLICIES_DIR, upstreams.value);
    if (!next.ok) {
      log(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'policies not reloaded: the previous set keeps serving', errors: next.errors }));
      return next.errors;
    }
    current = next.set;
    log(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'policies reloaded', policies: current.files.length }));
    return [];
  };

  // The Hono app answers every route; the governed and pass-through ones take the Node-native path first
  // (src/node/native-route.ts), which hands the app what it does not take on. With a fetch of
  // the caller's there is no connection pool of ours for it: the app answers everything.
  const appListener = getRequestListener(app.fetch, { hostname: config.HOST });
  const listener = upstream.dispatcher === undefined ? appListener : nativeRoutes({ core, dispatcher: upstream.dispatcher, fallback: appListener });
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, () => resolve()));
  const watcher = options.watch === false ? undefined : watchPolicyDir(config.POLICIES_DIR, () => void reload());
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? (address satisfies AddressInfo).port : config.PORT;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;

  return {
    ok: true,
    gateway: {
      url: `http://${host}:${port}`,
      store: store?.port.kind,
      config,
      policies: () => current,
      reload,
      close: async () => {
        await new Promise<void>((resolve) => {
          watcher?.close();
          server.close(() => resolve());
          server.closeAllConnections();
        });
        // Outcomes still queued are written before the store closes.
        await opened.value.close();
        await telemetry?.shutdown();
        await upstream.close();
      },
    },
  };
}
