// What every route handler of the gateway works with.
import type { Config } from '../config.ts';
import type { PolicySet } from '../policy/policy-set.ts';

export type GatewayDeps = {
  config: Config;
  /** A getter: the Node server swaps the set when the policy folder changes. */
  policies: () => PolicySet;
  fetch: typeof fetch;
};

export type GatewayEnv = {
  Variables: {
    /** The Authorization header the upstream gets: the gateway's key, or the client's own. */
    upstreamAuthorization: string | undefined;
  };
};

export const POLICY_HEADER = 'x-temperance-policy';

export function upstreamHost(config: Config): string {
  return new URL(config.OPENAI_BASE_URL).host;
}

/** `/v1/chat/completions?x` → `${OPENAI_BASE_URL}/chat/completions?x`. The host is never the client's to choose. */
export function upstreamUrl(config: Config, requestUrl: URL): string {
  return `${config.OPENAI_BASE_URL}${requestUrl.pathname.slice('/v1'.length)}${requestUrl.search}`;
}
