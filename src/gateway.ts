// The gateway: one Hono app on Web standards only, shared by the Worker and the Node server.
import { Hono } from 'hono';
import { createAuthenticator } from './auth.ts';
import { gatewayError } from './errors.ts';
import { chatRoute } from './policy/routes/chat.ts';
import { completionsRoute } from './policy/routes/completions.ts';
import { responsesRoute } from './policy/routes/responses.ts';
import { fail, type GatewayDeps, type GatewayEnv } from './routes/context.ts';
import { governedRoute } from './routes/governed.ts';
import { modelRoutes } from './routes/models.ts';
import { passThroughRoute } from './routes/pass-through.ts';
import { requestLog } from './request-log.ts';

export type { GatewayDeps } from './routes/context.ts';

export function createGateway(deps: GatewayDeps): Hono<GatewayEnv> {
  // strict: false — `/v1/chat/completions/` must be governed too, not slip through as another path.
  const app = new Hono<GatewayEnv>({ strict: false });
  const authenticate = createAuthenticator(deps.config);
  const models = modelRoutes(deps);

  app.use('*', requestLog(deps));
  app.get('/_temperance/health', (c) => c.json({ status: 'ok', policies: deps.policies().files.length }));

  app.use('/v1/*', async (c, next) => {
    const admission = await authenticate(c.req.raw.headers);
    if (!admission.ok) return fail(c, admission.error);
    c.set('upstreamAuthorization', admission.upstreamAuthorization);
    await next();
    return undefined;
  });
  app.post('/v1/chat/completions', governedRoute(chatRoute, deps));
  app.post('/v1/responses', governedRoute(responsesRoute, deps));
  app.post('/v1/completions', governedRoute(completionsRoute, deps));
  app.get('/v1/models', models.list);
  app.get('/v1/models/*', models.retrieve);
  app.all('/v1/*', passThroughRoute(deps));

  app.notFound((c) => fail(c, gatewayError('unknown_url', `Invalid URL (${c.req.method} ${new URL(c.req.url).pathname})`)));
  app.onError((error, c) => {
    // The name only: a message or stack could quote a request.
    deps.log?.({ level: 'error', msg: 'unhandled error', id: c.get('requestId'), error: error instanceof Error ? error.name : 'unknown' });
    return fail(c, gatewayError('internal_error', 'The gateway failed to handle this request.'));
  });
  return app;
}
