// Who may use the gateway, and whether the client's own Authorization is an upstream credential.
import type { Config } from './config.ts';
import { bearerToken, sameDigest, sha256 } from './credentials.ts';
import { gatewayError, type GatewayError } from './errors.ts';
import type { HeaderMap } from './proxy/header-list.ts';

/**
 * `clientAuthorization`: the client's Authorization header when it is the client's own upstream
 * credential (the gateway checks no keys); undefined when it is a gateway key, which never goes
 * upstream. Which upstream may get it is each upstream's credential (src/upstream/upstream-set.ts).
 */
export type Admission = { ok: true; clientAuthorization: string | undefined } | { ok: false; error: GatewayError };

export function createAuthenticator(config: Config): (headers: HeaderMap) => Promise<Admission> {
  if (config.GATEWAY_API_KEYS.length === 0) {
    // With a key of its own the gateway sends its key (or nothing), never the client's.
    if (config.OPENAI_API_KEY !== undefined) return async () => ({ ok: true, clientAuthorization: undefined });
    return async (headers) => ({ ok: true, clientAuthorization: headers.get('authorization') ?? undefined });
  }

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
    return { ok: true, clientAuthorization: undefined };
  };
}
