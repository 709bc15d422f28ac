// What every route handler of the gateway works with.
import type { Context } from 'hono';
import type { Config } from '../config.ts';
import type { Observation } from '../observe/observation.ts';
import type { RecordRoute, RecordSink } from '../observe/record.ts';
import type { Telemetry } from '../observe/telemetry.ts';
import type { PolicySet } from '../policy/policy-set.ts';

export type GatewayDeps = {
  config: Config;
  /** A getter: the Node server swaps the set when the policy folder changes. */
  policies: () => PolicySet;
  fetch: typeof fetch;
  /** Spans (and metrics) through OpenTelemetry; absent when no collector is configured. */
  telemetry?: Telemetry;
  /** More consumers of each request's record (a log line), beside the trace page's buffer. */
  recordSinks?: readonly RecordSink[];
  /**
   * The address of the client that sent this request, as the runtime knows it (Node: the
   * socket's remote address). Without ADMIN_API_KEY, /_temperance/ answers only loopback.
   */
  clientAddress?: (c: Context<GatewayEnv>) => string | undefined;
};

export type GatewayEnv = {
  Variables: {
    /** The Authorization header the upstream gets: the gateway's key, or the client's own. */
    upstreamAuthorization: string | undefined;
  };
};

/** Starts observing one request of a route. */
export type Observe = (c: Context<GatewayEnv>, route: RecordRoute) => Observation;

export const POLICY_HEADER = 'x-temperance-policy';

export function upstreamHost(config: Config): string {
  return new URL(config.OPENAI_BASE_URL).host;
}

/** `/v1/chat/completions?x` → `${OPENAI_BASE_URL}/chat/completions?x`. The host is never the client's to choose. */
export function upstreamUrl(config: Config, requestUrl: URL): string {
  return `${config.OPENAI_BASE_URL}${requestUrl.pathname.slice('/v1'.length)}${requestUrl.search}`;
}
