// The Node server's own path for the governed routes (POST /v1/chat/completions, /v1/responses,
// /v1/completions) and the pass-through ones (GET, POST, DELETE on other /v1/ paths): node:http's
// request and response as they come, with no Web Request, Response or stream built per request
// — on Node that layer cost more CPU than temperance's own work (docs/benchmarks.md). It shares
// everything that decides and records with the Hono app: the authenticator, the request id and
// its redactor, the decision (src/routes/decide.ts), the observation and its sinks (the trace
// page's buffer among them), the log line, and the error shapes. Whatever it does not take on
// goes to the Hono app untouched, before a byte of the body is read: the admin routes, the model
// list, other methods, paths that are not plain segments, a governed body without a declared
// length or over MAX_BODY_BYTES (the app reads and drops it before its 413), and a refused key
// (the app answers the 401 and records it).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { errorBody, gatewayError } from '../errors.ts';
import type { GatewayCore } from '../gateway.ts';
import type { RequestFacts } from '../observe/observation.ts';
import { chatRoute } from '../policy/routes/chat.ts';
import { completionsRoute } from '../policy/routes/completions.ts';
import { responsesRoute } from '../policy/routes/responses.ts';
import type { RouteAdapter } from '../policy/routes/route.ts';
import { HeaderList } from '../proxy/header-list.ts';
import { logObserved, requestIdentities } from '../request-log.ts';
import { decideGoverned, parseJsonBody } from '../routes/decide.ts';
import { headersForUpstream, upstreamUrl } from '../upstream/request-headers.ts';
import { Answer } from './native-answer.ts';
import { callUpstream } from './native-upstream.ts';

const DECLARED_LENGTH = /^\d+$/;

function routesByPath(): ReadonlyMap<string, RouteAdapter> {
  const routes = new Map<string, RouteAdapter>();
  // The Hono app is not strict about a trailing slash: neither is this path.
  for (const route of [chatRoute, responsesRoute, completionsRoute]) {
    routes.set(`/v1${route.path}`, route);
    routes.set(`/v1${route.path}/`, route);
  }
  return routes;
}

/**
 * The body, whole, in a buffer of its own; undefined when the client went away before its end.
 * A copy even for one chunk: a chunk is a view into the socket's 64 KiB read buffer, which
 * would otherwise stay alive as long as the body does.
 */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => chunks.push(chunk);
    const settle = (body: Buffer | undefined) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      resolve(body);
    };
    const onEnd = () => settle(Buffer.concat(chunks));
    const onClose = () => settle(undefined);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
    req.once('error', onClose);
  });
}

export type NativeOptions = {
  core: GatewayCore;
  dispatcher: Dispatcher;
  /** The Hono app's listener: everything this path does not take on. */
  fallback: RequestListener;
};

/** What the native path takes on: a governed route, or a pass-through. */
type Taken = { kind: 'governed'; route: RouteAdapter } | { kind: 'pass-through' };

// A pass-through path it takes on: plain segments only. Anything else (dot segments, encoded
// characters, empty segments) goes to the app, whose routing and refusals are the reference.
const PLAIN_PATH = /^\/v1(\/[A-Za-z0-9_-][A-Za-z0-9._~-]*)+\/?$/;
const PASS_THROUGH_METHODS = new Set(['GET', 'POST', 'DELETE']);

export function nativeRoutes({ core, dispatcher, fallback }: NativeOptions): RequestListener {
  const { deps } = core;
  const { config } = deps;
  const routes = routesByPath();
  const identify = requestIdentities(config);
  // Node has no execution context to keep work alive: the process outlives the request.
  const background = (work: Promise<void>) => void work;

  /**
   * What this path takes on, or undefined for the app. The headers are read from node:http's
   * rawHeaders once (HeaderList), never through `req.headers`, which would build them again.
   */
  function taken(method: string, path: string, headers: () => HeaderList): Taken | undefined {
    const route = routes.get(path);
    if (route !== undefined) {
      if (method !== 'POST') return undefined;
      // Only a body of a declared length within the limit: the app drains and refuses the rest.
      const declared = headers().get('content-length');
      return declared !== null && DECLARED_LENGTH.test(declared) && Number(declared) <= config.MAX_BODY_BYTES ? { kind: 'governed', route } : undefined;
    }
    // The model list and lookups are the app's own answers.
    if (!PASS_THROUGH_METHODS.has(method) || !PLAIN_PATH.test(path) || path === '/v1/models' || path.startsWith('/v1/models/')) return undefined;
    return { kind: 'pass-through' };
  }

  async function handle(req: IncomingMessage, res: ServerResponse, what: Taken, headers: HeaderList, path: string, search: string): Promise<void> {
    const admission = await core.authenticate(headers);
    // The app answers a refused key (401) and records it.
    if (!admission.ok) {
      fallback(req, res);
      return;
    }
    const identity = identify(headers.get('authorization'), headers.get('x-request-id'));
    const gone = new AbortController();
    const facts: RequestFacts = { method: req.method ?? 'GET', url: `http://gateway${req.url ?? '/'}`, headers, signal: gone.signal };
    const observation = core.observe(facts, what.kind === 'governed' ? what.route.route : 'pass-through', identity.id, background);
    logObserved(deps.log, identity, observation);
    const answer = new Answer(res, identity, observation);
    res.once('close', () => {
      if (res.writableFinished) return;
      gone.abort();
      answer.clientGone();
    });
    const attempt = { signal: gone.signal, timeoutMs: config.UPSTREAM_TIMEOUT_MS, retries: config.UPSTREAM_RETRIES, maxRetryDelayMs: config.UPSTREAM_RETRY_MAX_DELAY_MS };
    const idleTimeoutMs = config.UPSTREAM_IDLE_TIMEOUT_MS;

    if (what.kind === 'pass-through') {
      // Forwarded as it comes (src/routes/pass-through.ts): the client's body streamed, not limited.
      const upstream = config.upstreams.openai;
      const outgoing = headersForUpstream(upstream, headers, admission.clientAuthorization, new HeaderList());
      observation.passing(outgoing);
      const hasBody = headers.get('transfer-encoding') !== null || (headers.get('content-length') ?? '0') !== '0';
      const attempted = await callUpstream(dispatcher, { ...attempt, method: req.method ?? 'GET', url: upstreamUrl(upstream, path.slice('/v1'.length), search), headers: outgoing, body: hasBody ? req : null, host: upstream.label });
      observation.attempted(attempted.attempts);
      if (!attempted.ok) answer.fail(attempted.error, undefined);
      else answer.pass(attempted.exchange, { hideUsageChunk: false, ours: undefined, host: upstream.label, idleTimeoutMs });
      return;
    }

    const { route } = what;
    const bytes = await readBody(req);
    if (bytes === undefined) {
      answer.fail(gatewayError('invalid_request', 'The client closed the connection before the request body was complete.'), undefined);
      return;
    }
    const parsed = parseJsonBody(bytes);
    if (!parsed.ok) {
      answer.fail(parsed.error, undefined);
      return;
    }
    const decided = decideGoverned(route, deps, { parsed, headers, outgoing: new HeaderList(), search, clientAuthorization: admission.clientAuthorization, observation });
    if (!decided.ok) {
      answer.fail(decided.error, decided.ours);
      return;
    }
    const { call, ours } = decided;
    const attempted = await callUpstream(dispatcher, { ...attempt, method: 'POST', url: call.url, headers: call.headers, body: call.bytes, host: call.upstream.label });
    observation.attempted(attempted.attempts);
    if (!attempted.ok) {
      answer.fail(attempted.error, ours);
      return;
    }
    answer.pass(attempted.exchange, { hideUsageChunk: call.hideUsageChunk, ours, host: call.upstream.label, idleTimeoutMs });
  }

  return (req, res) => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    let headers: HeaderList | undefined;
    const headersOnce = () => (headers ??= HeaderList.fromRaw(req.rawHeaders));
    const what = taken(req.method ?? '', path, headersOnce);
    if (what === undefined) {
      fallback(req, res);
      return;
    }
    handle(req, res, what, headersOnce(), path, query === -1 ? '' : url.slice(query)).catch((error: unknown) => {
      // As the app's error handler: the name only, a message or stack could quote a request.
      deps.log?.(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'unhandled error', error: error instanceof Error ? error.name : 'unknown' }));
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const body = JSON.stringify(errorBody(gatewayError('internal_error', 'The gateway failed to handle this request.')));
      res.writeHead(500, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  };
}
