// The headers one upstream gets: the client's end-to-end headers (src/proxy/headers.ts) with
// every credential the client sent removed, then the upstream's own credential (see
// upstream-set.ts for which one).
import type { HeaderMap } from '../proxy/header-list.ts';
import { upstreamRequestHeaders } from '../proxy/headers.ts';
import type { Upstream } from './upstream-set.ts';

export function headersForUpstream<H extends HeaderMap>(upstream: Upstream, incoming: HeaderMap, clientAuthorization: string | undefined, out: H): H {
  const headers = upstreamRequestHeaders(incoming, undefined, out);
  setCredential(headers, upstream, clientAuthorization);
  return headers;
}

/** Replaces whatever credential `headers` carry with the one `upstream` gets. */
export function setCredential(headers: HeaderMap, upstream: Upstream, clientAuthorization: string | undefined): void {
  const { credential } = upstream;
  headers.delete('authorization');
  // Azure's header is a credential too: a client's never passes, whichever upstream it is.
  headers.delete('api-key');
  if (credential.kind === 'client' && clientAuthorization !== undefined) headers.set('authorization', clientAuthorization);
  if (credential.kind === 'key') headers.set(credential.header, credential.header === 'authorization' ? `Bearer ${credential.key}` : credential.key);
}

/** `${baseUrl}${path}${search}`: the host is the upstream's, never the client's to choose. */
export function upstreamUrl(upstream: Upstream, path: string, search: string): string {
  return `${upstream.baseUrl}${path}${search}`;
}
