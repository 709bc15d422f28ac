// Who may use the gateway, and which credential goes upstream.
import type { Config } from './config.ts';
import { bearerToken, sameDigest, sha256 } from './credentials.ts';
import { gatewayError, type GatewayError } from './errors.ts';

export type Admission = { ok: true; upstreamAuthorization: string | undefined } | { ok: false; error: GatewayError };

export function createAuthenticator(config: Config): (headers: Headers) => Promise<Admission> {
  const upstreamKey = config.OPENAI_API_KEY;
  // Without a gateway key of its own, the client's Authorization is the upstream credential.
  if (upstreamKey === undefined) return async (headers) => ({ ok: true, upstreamAuthorization: headers.get('authorization') ?? undefined });
  const upstreamAuthorization = `Bearer ${upstreamKey}`;
  if (config.GATEWAY_API_KEYS.length === 0) return async () => ({ ok: true, upstreamAuthorization });

  const keyDigests = Promise.all(config.GATEWAY_API_KEYS.map(sha256));
  return async (headers) => {
    const token = bearerToken(headers.get('authorization'));
    if (token === undefined) {
      return { ok: false, error: gatewayError('missing_api_key', 'This gateway needs an API key: send Authorization: Bearer <a key from GATEWAY_API_KEYS>.') };
    }
    const presented = await sha256(token);
    let matched = false;
    for (const key of await keyDigests) matched = sameDigest(presented, key) || matched;
    if (!matched) return { ok: false, error: gatewayError('invalid_api_key', 'The API key is not one of this gateway\'s keys.') };
    return { ok: true, upstreamAuthorization };
  };
}
