// Who may use the gateway, and which credential goes upstream.
import type { Config } from './config.ts';
import { gatewayError, type GatewayError } from './errors.ts';

export type Admission = { ok: true; upstreamAuthorization: string | undefined } | { ok: false; error: GatewayError };

const encoder = new TextEncoder();

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/** Compares fixed-length digests without an early exit, so timing says nothing about the key. */
function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

function bearerToken(header: string | null): string | undefined {
  if (header === null) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1]?.trim();
}

export function createAuthenticator(config: Config): (headers: Headers) => Promise<Admission> {
  const upstreamKey = config.OPENAI_API_KEY;
  // Without a gateway key of its own, the client's Authorization is the upstream credential.
  if (upstreamKey === undefined) return async (headers) => ({ ok: true, upstreamAuthorization: headers.get('authorization') ?? undefined });
  const upstreamAuthorization = `Bearer ${upstreamKey}`;
  if (config.GATEWAY_API_KEYS.length === 0) return async () => ({ ok: true, upstreamAuthorization });

  const keyDigests = Promise.all(config.GATEWAY_API_KEYS.map(digest));
  return async (headers) => {
    const token = bearerToken(headers.get('authorization'));
    if (token === undefined) {
      return { ok: false, error: gatewayError('missing_api_key', 'This gateway needs an API key: send Authorization: Bearer <a key from GATEWAY_API_KEYS>.') };
    }
    const presented = await digest(token);
    let matched = false;
    for (const key of await keyDigests) matched = sameDigest(presented, key) || matched;
    if (!matched) return { ok: false, error: gatewayError('invalid_api_key', 'The API key is not one of this gateway\'s keys.') };
    return { ok: true, upstreamAuthorization };
  };
}
