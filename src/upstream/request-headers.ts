// The headers one upstream gets: the client's end-to-end headers (src/proxy/headers.ts) with
// every credential the client sent removed, then the upstream's own credential (see
// upstream-set.ts for which one).
import { upstreamRequestHeaders } from '../proxy/headers.ts';
import type { Upstream } from './upstream-set.ts';

export function headersForUpstream(upstream: Upstream, incoming: Headers, clientAuthorization: string | undefined): Headers {
  const { credential } = upstream;
  const authorization = credential.kind === 'client' ? clientAuthorization : credential.kind === 'key' && credential.header === 'authorization' ? `Bearer ${credential.key}` : undefined;
  const headers = upstreamRequestHeaders(incoming, authorization);
  // Azure's header is a credential too: a client's never passes, whichever upstream it is.
  headers.delete('api-key');
  if (credential.kind === 'key' && credential.header === 'api-key') headers.set('api-key', credential.key);
  return headers;
}

/** `${baseUrl}${path}${search}`: the host is the upstream's, never the client's to choose. */
export function upstreamUrl(upstream: Upstream, path: string, search: string): string {
  return `${upstream.baseUrl}${path}${search}`;
}
