// Which headers cross the gateway, both ways.
import { describe, expect, it } from 'vitest';
import { HeaderList } from '../../src/proxy/header-list.ts';
import { clientResponseHeaders, upstreamRequestHeaders } from '../../src/proxy/headers.ts';

// Both kinds of header list the core writes into: a Web Headers (fetch) and the native path's HeaderList.
const kinds = [['Headers', () => new Headers()], ['HeaderList', () => new HeaderList()]] as const;

describe.each(kinds)('upstreamRequestHeaders into a %s', (_kind, empty) => {
  it('keeps end-to-end headers, drops hop-by-hop ones, what Connection lists and the client proxy chain, and sets the credential', () => {
    const raw = [
      'Authorization', 'Bearer gw-key', 'Connection', 'keep-alive, X-Hop', 'X-Hop', '1', 'Keep-Alive', 'timeout=5', 'TE', 'trailers',
      'Proxy-Authorization', 'Basic x', 'X-Forwarded-For', '10.0.0.1', 'CF-Connecting-IP', '10.0.0.1', 'Forwarded', 'for=x', 'Host', 'gateway',
      'Content-Length', '10', 'OpenAI-Organization', 'org-1', 'X-Stainless-Lang', 'js', 'Content-Type', 'application/json',
    ];
    const fromHeaders = new Headers();
    for (let i = 0; i < raw.length; i += 2) fromHeaders.append(String(raw[i]), String(raw[i + 1]));
    for (const incoming of [fromHeaders, HeaderList.fromRaw(raw)]) {
      const out = Object.fromEntries(upstreamRequestHeaders(incoming, 'Bearer sk-upstream', empty()));
      expect(out).toEqual({ authorization: 'Bearer sk-upstream', 'openai-organization': 'org-1', 'x-stainless-lang': 'js', 'content-type': 'application/json' });
    }
  });

  it("leaves a client's Authorization out when there is no credential to send", () => {
    expect(upstreamRequestHeaders(HeaderList.fromRaw(['Authorization', 'Bearer x']), undefined, empty()).get('authorization')).toBeNull();
  });

  it('joins a repeated field into one value, as Headers does', () => {
    const out = upstreamRequestHeaders(HeaderList.fromRaw(['Accept', 'text/plain', 'accept', 'application/json']), undefined, empty());
    expect(out.get('Accept')).toBe('text/plain, application/json');
  });
});

describe('clientResponseHeaders', () => {
  it('drops content-encoding and content-length for a body fetch decoded', () => {
    for (const encoding of ['gzip', 'br', 'deflate', 'gzip, br']) {
      const out = clientResponseHeaders(new Headers({ 'content-encoding': encoding, 'content-length': '42', 'x-request-id': 'req_1' }));
      expect(Object.fromEntries(out)).toEqual({ 'x-request-id': 'req_1' });
    }
  });

  it('keeps both for an encoding fetch does not decode, and the length of an unencoded body', () => {
    expect(Object.fromEntries(clientResponseHeaders(new Headers({ 'content-encoding': 'zstd', 'content-length': '42' })))).toEqual({ 'content-encoding': 'zstd', 'content-length': '42' });
    expect(Object.fromEntries(clientResponseHeaders(new Headers({ 'content-length': '42', connection: 'close', 'transfer-encoding': 'chunked' })))).toEqual({ 'content-length': '42' });
  });
});
