// What every route handler of the gateway works with.
import type { Context } from 'hono';
import type { Config } from '../config.ts';
import { errorResponse, type ErrorKind, type GatewayError } from '../errors.ts';
import type { PolicySet } from '../policy/policy-set.ts';

export type LogLine = Record<string, unknown>;

export type GatewayDeps = {
  config: Config;
  /** A getter: the Node server swaps the set when the policy folder changes. */
  policies: () => PolicySet;
  fetch: typeof fetch;
  /** One structured line per request (already redacted); the entries print it. */
  log?: (line: LogLine) => void;
};

/** What the handlers learn about a request, for its log line. */
export type RequestFacts = {
  model?: string;
  policy?: string;
  stream?: boolean;
  attempts?: number;
  error?: ErrorKind;
};

export type GatewayEnv = {
  Variables: {
    /** The Authorization header the upstream gets: the gateway's key, or the client's own. */
    upstreamAuthorization: string | undefined;
    requestId: string;
    facts: RequestFacts;
    /** Removes the gateway's keys and the key this client presented from text that may quote the request. */
    redact: (text: string) => string;
  };
};

/** The gateway's own refusal, noted for the request's log line. */
export function fail(c: Context<GatewayEnv>, error: GatewayError, headers?: Record<string, string>): Response {
  c.get('facts').error = error.kind;
  return errorResponse({ ...error, message: c.get('redact')(error.message) }, headers);
}

export const POLICY_HEADER = 'x-temperance-policy';

export function upstreamHost(config: Config): string {
  return new URL(config.OPENAI_BASE_URL).host;
}

/** `/v1/chat/completions?x` → `${OPENAI_BASE_URL}/chat/completions?x`. The host is never the client's to choose. */
export function upstreamUrl(config: Config, requestUrl: URL): string {
  return `${config.OPENAI_BASE_URL}${requestUrl.pathname.slice('/v1'.length)}${requestUrl.search}`;
}
