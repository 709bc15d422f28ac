// What every route handler of the gateway works with.
import type { Context } from 'hono';
import type { Config } from '../config.ts';
import { errorResponse, type ErrorKind, type GatewayError } from '../errors.ts';
import type { Observation } from '../observe/observation.ts';
import type { RecordRoute, RecordSink } from '../observe/record.ts';
import type { Telemetry } from '../observe/telemetry.ts';
import type { PolicySet } from '../policy/policy-set.ts';
import type { Store } from '../store/store.ts';

/** A log entry before it is serialised. */
export type LogLine = Record<string, unknown>;

export type GatewayDeps = {
  config: Config;
  /** A getter: the Node server swaps the set when the policy folder changes. */
  policies: () => PolicySet;
  fetch: typeof fetch;
  /** A number in [0, 1) for experiment draws of requests without a unit; default Math.random (tests seed it). */
  random?: () => number;
  /** One structured line per request: JSON text, already redacted; the entries print it. */
  log?: (line: string) => void;
  /** Spans (and metrics) through OpenTelemetry; absent when no collector is configured. */
  telemetry?: Telemetry;
  /** More consumers of each request's record (a log line), beside the trace page's buffer. */
  recordSinks?: readonly RecordSink[];
  /**
   * The address of the client that sent this request, as the runtime knows it (Node: the
   * socket's remote address). Without ADMIN_API_KEY, /_temperance/ answers only loopback.
   */
  clientAddress?: (c: Context<GatewayEnv>) => string | undefined;
  /** Outcomes and feedback (contract 6 and 9); absent with TEMPERANCE_DB=off or no DB binding. */
  store?: Store;
  /** More facts for GET /_temperance/health from the runtime (Node: log lines dropped). */
  health?: () => Record<string, unknown>;
};

export type GatewayEnv = {
  Variables: {
    /** The client's Authorization when it is its own upstream credential (src/auth.ts); never a gateway key. */
    clientAuthorization: string | undefined;
    requestId: string;
    /** The gateway's own refusal, for the log line of a request no observation records. */
    refusal: ErrorKind | undefined;
    /** The observation of an observed route: its record feeds the log line. */
    observation: Observation | undefined;
    /** Removes the gateway's keys and the key this client presented from text that may quote the request. */
    redact: (text: string) => string;
  };
};

/** Notes the gateway's own refusal for the request's log line, with keys removed from its message. */
export function noteError(c: Context<GatewayEnv>, error: GatewayError): GatewayError {
  c.set('refusal', error.kind);
  return { ...error, message: c.get('redact')(error.message) };
}

/** The gateway's own refusal, outside an observed route. */
export function fail(c: Context<GatewayEnv>, error: GatewayError, headers?: Record<string, string>): Response {
  return errorResponse(noteError(c, error), headers);
}

/** Starts observing one request of a route. */
export type Observe = (c: Context<GatewayEnv>, route: RecordRoute) => Observation;

export const POLICY_HEADER = 'x-temperance-policy';

export function upstreamHost(config: Config): string {
  return config.upstreams.openai.host;
}

/** `/v1/chat/completions?x` → `${OPENAI_BASE_URL}/chat/completions?x`. The host is never the client's to choose. */
export function upstreamUrl(config: Config, requestUrl: URL): string {
  return `${config.upstreams.openai.baseUrl}${requestUrl.pathname.slice('/v1'.length)}${requestUrl.search}`;
}
