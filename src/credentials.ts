// Reading and comparing credentials, the same way for gateway keys, the admin key and logs.

const encoder = new TextEncoder();

/** The token of an `Authorization: Bearer …` header; undefined when there is none. */
export function bearerToken(header: string | null | undefined): string | undefined {
  if (header === null || header === undefined) return undefined;
  return /^Bearer\s+(.+)$/i.exec(header.trim())?.[1]?.trim();
}

export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/**
 * Compares two digests of equal length without an early exit, so the time taken says nothing
 * about where they differ. Digests, not keys: their length says nothing about the key's.
 */
export function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}
