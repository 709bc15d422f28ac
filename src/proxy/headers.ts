import type { HeaderMap } from './header-list.ts';

// Which headers cross the gateway. Hop-by-hop headers describe one connection and never do;
// the client's own proxy chain (x-forwarded-*, cf-*) is not the upstream's business.

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection',
  'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length',
]);

const CLIENT_HOP = /^(x-forwarded-|cf-)|^(forwarded|x-real-ip|true-client-ip|cdn-loop)$/;

const NONE: ReadonlySet<string> = new Set();

/** The header names a Connection header lists: hop-by-hop too (RFC 9110 §7.6.1). */
export function connectionTokens(listed: string | null | undefined): ReadonlySet<string> {
  return listed === null || listed === undefined ? NONE : new Set(listed.split(',').map((token) => token.trim().toLowerCase()));
}

/**
 * The headers sent upstream, written into `out`: the client's end-to-end headers, with the
 * upstream credential. `incoming` joins a repeated field into one value, as Headers does.
 */
export function upstreamRequestHeaders<H extends HeaderMap>(incoming: HeaderMap, authorization: string | undefined, out: H): H {
  const listed = connectionTokens(incoming.get('connection'));
  for (const [name, value] of incoming) {
    if (HOP_BY_HOP.has(name) || listed.has(name) || CLIENT_HOP.test(name) || name === 'authorization') continue;
    out.append(name, value);
  }
  if (authorization !== undefined) out.set('authorization', authorization);
  return out;
}

// What both runtimes' fetch (and the Node upstream client) decode on their own.
const DECODED_ENCODINGS = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

/** Whether the body arrives decoded: every coding listed is one that fetch (and the Node client) decodes. */
export function isDecodedEncoding(encoding: string | null | undefined): boolean {
  return encoding !== null && encoding !== undefined && encoding.split(',').every((part) => DECODED_ENCODINGS.has(part.trim().toLowerCase()));
}

/**
 * Whether an upstream response header goes on to the client. For the encodings fetch decodes,
 * the body is already decoded: its content-encoding and content-length no longer describe what
 * we send. Another encoding arrives as the upstream sent it, and keeps both headers.
 */
export function passesToClient(name: string, listed: ReadonlySet<string>, decoded: boolean): boolean {
  if (HOP_BY_HOP.has(name) && !(name === 'content-length' && !decoded)) return false;
  return !(listed.has(name) || (decoded && name === 'content-encoding'));
}

/** The headers sent back to the client (see passesToClient). */
export function clientResponseHeaders(upstream: Headers): Headers {
  const listed = connectionTokens(upstream.get('connection'));
  const decoded = isDecodedEncoding(upstream.get('content-encoding'));
  const out = new Headers();
  for (const [name, value] of upstream) {
    if (passesToClient(name, listed, decoded)) out.append(name, value);
  }
  return out;
}
