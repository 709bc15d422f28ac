// GET /v1/models lists openai's models plus the names only this gateway knows (aliases,
// personas, models on named upstreams); GET /v1/models/{name} answers for those names itself.
import type { Context } from 'hono';
import { isJsonObject } from '../policy/decision.ts';
import type { PolicySet } from '../policy/policy-set.ts';
import type { GatewayDeps, GatewayEnv, Observe } from './context.ts';
import { passThroughRoute } from './pass-through.ts';
import { OPENAI_UPSTREAM } from '../upstream/schema.ts';

type ModelEntry = { id: string; object: 'model'; created: number; owned_by: 'temperance' };

/**
 * The names only this gateway knows: aliases and personas, and the exact models of policies on a
 * named upstream (an Azure deployment, a LoRA adapter), which openai's list cannot have.
 */
function aliasEntries(set: PolicySet): ModelEntry[] {
  const names = new Set(set.policies.flatMap((policy) => [
    ...(policy.upstream !== OPENAI_UPSTREAM && !policy.pattern ? [policy.model] : []),
    ...policy.aliases,
  ]));
  return [...names].map((id) => ({ id, object: 'model' as const, created: set.loadedAt, owned_by: 'temperance' as const }));
}

export function modelRoutes(deps: GatewayDeps, observe: Observe) {
  const passThrough = passThroughRoute(deps, observe);

  const list = async (c: Context<GatewayEnv>): Promise<Response> => {
    const upstream = await passThrough(c);
    // The upstream's errors, and anything that is not a model list, pass through unchanged.
    if (!upstream.ok || !(upstream.headers.get('content-type') ?? '').includes('json')) return upstream;
    const text = await upstream.text();
    let list: unknown;
    try {
      list = JSON.parse(text);
    } catch {
      return new Response(text, { status: upstream.status, headers: upstream.headers });
    }
    if (!isJsonObject(list) || !Array.isArray(list.data)) return new Response(text, { status: upstream.status, headers: upstream.headers });
    const listed = new Set(list.data.map((entry) => (isJsonObject(entry) ? entry.id : undefined)));
    const extra = aliasEntries(deps.policies()).filter((entry) => !listed.has(entry.id));
    const headers = new Headers(upstream.headers);
    headers.delete('content-length');
    return new Response(JSON.stringify({ ...list, data: [...list.data, ...extra] }), { status: upstream.status, headers });
  };

  const retrieve = async (c: Context<GatewayEnv>): Promise<Response> => {
    let id: string;
    try {
      id = decodeURIComponent(new URL(c.req.url).pathname.slice('/v1/models/'.length));
    } catch {
      return passThrough(c);
    }
    const entry = aliasEntries(deps.policies()).find((alias) => alias.id === id);
    return entry === undefined ? passThrough(c) : c.json(entry);
  };

  return { list, retrieve };
}
