// Which headers cross the gateway, both ways.
import { describe, expect, it } from 'vitest';
import { clientResponseHeaders, upstreamRequestHeaders } from '../../src/proxy/headers.ts';

describe('upstreamRequestHeaders', () => {
  it('keeps end-to-end headers, drops hop-by-hop ones, what Connection lists and the client proxy chain, and sets the credential', () => {
    const incoming = new Headers({
      authorization: 'Bearer gw-key', connection: 'keep-alive, x-hop', 'x-hop': '1', 'keep-alive': 'timeout=5', te: 'trailers',
      'proxy-authorization': 'Basic x', 'x-forwarded-for': '10.0.0.1', 'cf-connecting-ip': '10.0.0.1', forwarded: 'for=x', host: 'gateway',
      'content-length': '10', 'openai-organization': 'org-1', 'x-stainless-lang': 'js', 'content-type': 'application/json',
    });
    const out = Object.fromEntries(upstreamRequestHeaders(incoming, 'Bearer sk-upstream'));
    expect(out).toEqual({ authorization: 'Bearer sk-upstream', 'openai-organization': 'org-1', 'x-stainless-lang': 'js', 'content-type': 'application/json' });
  });

  it("leaves a client's Authorization out when there is no credential to send", () => {
    expect(upstreamRequestHeaders(new Headers({ authorization: 'Bearer x' }), undefined).has('authorization')).toBe(false);
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
