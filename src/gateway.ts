// The gateway: one Hono app on Web standards only, shared by the Worker and the Node server.
import { Hono, type Context } from 'hono';
import { adminRoutes } from './admin/routes.ts';
import { createAuthenticator } from './auth.ts';
import { gatewayError } from './errors.ts';
import { metricsSink } from './observe/metrics.ts';
import { Observation, type RequestFacts } from './observe/observation.ts';
import type { RecordRoute, RecordSink } from './observe/record.ts';
import { recordRefusals } from './observe/refusal-record.ts';
import { TraceBuffer } from './observe/trace-buffer.ts';
import { chatRoute } from './policy/routes/chat.ts';
import { completionsRoute } from './policy/routes/completions.ts';
import { responsesRoute } from './policy/routes/responses.ts';
import { fail, type GatewayDeps, type GatewayEnv, type Observe } from './routes/context.ts';
import { governedRoute } from './routes/governed.ts';
import { modelRoutes } from './routes/models.ts';
import { passThroughRoute } from './routes/pass-through.ts';
import { requestLog } from './request-log.ts';
import { feedbackRoute } from './feedback/route.ts';
import { outcomeSink } from './store/outcome-sink.ts';

export type { GatewayDeps } from './routes/context.ts';

/**
 * Keeps `work` running after the response: Workers end an isolate's work with the response
 * unless it is handed to waitUntil. Node has no execution context (Hono's getter throws), and
 * its process outlives the request anyway.
 */
function inBackground(c: Context<GatewayEnv>, work: Promise<void>): void {
  try {
    c.executionCtx.waitUntil(work);
  } catch {
    void work;
  }
}

/** What an entry other than the Hono app needs to answer a request as the app would (src/node/native-route.ts). */
export type GatewayCore = {
  deps: GatewayDeps;
  authenticate: ReturnType<typeof createAuthenticator>;
  /** Starts observing a request; `background` keeps work going after the response (Workers' waitUntil). */
  observe: (request: RequestFacts, route: RecordRoute, id: string, background: (work: Promise<void>) => void) => Observation;
};

export function createGateway(deps: GatewayDeps): Hono<GatewayEnv> {
  return buildGateway(deps).app;
}

/** The Hono app, and the parts of it another entry shares: the same observation sinks (the trace page's buffer among them). */
export function buildGateway(deps: GatewayDeps): { app: Hono<GatewayEnv>; core: GatewayCore } {
  // strict: false — `/v1/chat/completions/` must be governed too, not slip through as another path.
  const app = new Hono<GatewayEnv>({ strict: false });
  const authenticate = createAuthenticator(deps.config);
  const buffer = new TraceBuffer();
  const { telemetry } = deps;
  const { store } = deps;
  const sinks: RecordSink[] = [
    buffer.add,
    ...(telemetry?.meter === undefined ? [] : [metricsSink(telemetry.meter)]),
    ...(store === undefined ? [] : [outcomeSink((row) => store.outcomes.add(row))]),
    ...(deps.recordSinks ?? []),
  ];
  const observationDeps = {
    sinks,
    telemetry,
    captureContent: deps.config.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT,
    upstream: deps.config.upstreams.openai.url,
  };
  const startObservation: GatewayCore['observe'] = (request, route, id, background) => {
    const observation = new Observation(observationDeps, request, route, id);
    // Export once the request is over (its stream too), never before the response.
    if (telemetry !== undefined) background(observation.finished.then(() => telemetry.flush()));
    // Workers: the outcome is written after the response ends, inside waitUntil.
    if (store?.flushAfterEachRequest === true) background(observation.finished.then(() => store.outcomes.flush()));
    return observation;
  };
  const observe: Observe = (c, route) => {
    const observation = startObservation(c.req.raw, route, c.get('requestId'), (work) => inBackground(c, work));
    c.set('observation', observation);
    return observation;
  };
  const models = modelRoutes(deps, observe);

  app.use('*', requestLog(deps));
  app.use('*', recordRefusals(buffer.add, observationDeps.upstream.hostname));
  // Before the admin guard: feedback has its own access rule (gateway keys too, contract 6.2).
  app.post('/_temperance/feedback', feedbackRoute(deps));
  adminRoutes(app, deps, buffer);

  app.use('/v1/*', async (c, next) => {
    const admission = await authenticate(c.req.raw.headers);
    if (!admission.ok) return fail(c, admission.error);
    c.set('clientAuthorization', admission.clientAuthorization);
    await next();
    return undefined;
  });
  app.post('/v1/chat/completions', governedRoute(chatRoute, deps, observe));
  app.post('/v1/responses', governedRoute(responsesRoute, deps, observe));
  app.post('/v1/completions', governedRoute(completionsRoute, deps, observe));
  app.get('/v1/models', models.list);
  app.get('/v1/models/*', models.retrieve);
  app.all('/v1/*', passThroughRoute(deps, observe));

  app.notFound((c) => fail(c, gatewayError('unknown_url', `Invalid URL (${c.req.method} ${new URL(c.req.url).pathname})`)));
  app.onError((error, c) => {
    // The name only: a message or stack could quote a request.
    deps.log?.(JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'unhandled error', id: c.get('requestId'), error: error instanceof Error ? error.name : 'unknown' }));
    return fail(c, gatewayError('internal_error', 'The gateway failed to handle this request.'));
  });
  return { app, core: { deps, authenticate, observe: startObservation } };
}
