// Who may see the gateway's own pages and APIs under /_temperance/. With ADMIN_API_KEY: whoever
// presents it, as `Authorization: Bearer …` or the cookie the login form sets (holding a digest
// of the key, never the key). Without it: loopback clients only.
import type { Config } from '../config.ts';
import { bearerToken, sameDigest, sha256 } from '../credentials.ts';

export const ADMIN_COOKIE = 'temperance_admin';

export type AdminAccess = 'allowed' | 'needs_key' | 'loopback_only';

const encoder = new TextEncoder();

async function hex(text: string): Promise<string> {
  return [...(await sha256(text))].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Compares two hex digests without an early exit (see sameDigest). */
function sameText(a: string, b: string): boolean {
  return sameDigest(encoder.encode(a), encoder.encode(b));
}

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const bare = address.replace(/^\[|\]$/g, '').replace(/^::ffff:/i, '');
  return bare === '::1' || bare === 'localhost' || /^127(\.\d{1,3}){3}$/.test(bare);
}

function cookieValue(header: string | null, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

export type AdminGuard = {
  check(request: Request, clientAddress: string | undefined): Promise<AdminAccess>;
  /** The cookie value for a key typed into the login form, or undefined when it is wrong. */
  cookieFor(key: string): Promise<string | undefined>;
  keyed: boolean;
};

export function createAdminGuard(config: Config): AdminGuard {
  const key = config.ADMIN_API_KEY;
  // The digests compared are of equal length, so comparing them leaks nothing about the key.
  const keyDigest = key === undefined ? undefined : hex(`key\0${key}`);
  const cookieDigest = key === undefined ? undefined : hex(`cookie\0${key}`);
  return {
    keyed: key !== undefined,
    async check(request, clientAddress) {
      if (keyDigest === undefined || cookieDigest === undefined) return isLoopback(clientAddress) ? 'allowed' : 'loopback_only';
      const token = bearerToken(request.headers.get('authorization'));
      if (token !== undefined && sameText(await hex(`key\0${token}`), await keyDigest)) return 'allowed';
      const cookie = cookieValue(request.headers.get('cookie'), ADMIN_COOKIE);
      if (cookie !== undefined && sameText(cookie, await cookieDigest)) return 'allowed';
      return 'needs_key';
    },
    async cookieFor(typed) {
      if (keyDigest === undefined || cookieDigest === undefined) return undefined;
      return sameText(await hex(`key\0${typed}`), await keyDigest) ? cookieDigest : undefined;
    },
  };
}
