// Which credential each upstream gets (contract §8, "auth without open relays"): decided once
// from the settings, then applied to each request's headers.
import { describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../src/config.ts';
import { createAuthenticator } from '../../src/auth.ts';
import { headersForUpstream } from '../../src/upstream/request-headers.ts';
import type { UpstreamsFile } from '../../src/upstream/schema.ts';

const UPSTREAMS: UpstreamsFile = {
  azure: { base_url: 'https://acme.openai.azure.com/openai/v1', api_key_env: 'AZURE_KEY', auth: 'api-key' },
  hosted: { base_url: 'https://hosted.example/v1', api_key_env: 'HOSTED_KEY', auth: 'bearer' },
  vllm: { base_url: 'http://127.0.0.1:8000/v1', auth: 'bearer' },
};
const KEYS = { AZURE_KEY: 'azure-key-000001', HOSTED_KEY: 'hosted-key-000002' };

function config(env: Record<string, string>): Config {
  const parsed = parseConfig({ ...KEYS, ...env }, UPSTREAMS);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  return parsed.config;
}

/** The credential headers each upstream gets for a client that sent `authorization` and its own `api-key`. */
function sent(settings: Config, clientAuthorization: string | undefined): Record<string, { authorization: string | null; 'api-key': string | null }> {
  const incoming = new Headers({ authorization: 'Bearer client-key-0003', 'api-key': 'client-azure-key-0004', 'x-keep': '1' });
  return Object.fromEntries(settings.upstreams.all.map((upstream) => {
    const headers = headersForUpstream(upstream, incoming, clientAuthorization, new Headers());
    expect(headers.get('x-keep')).toBe('1');
    return [upstream.name, { authorization: headers.get('authorization'), 'api-key': headers.get('api-key') }];
  }));
}

describe('upstream credentials', () => {
  it('with OPENAI_API_KEY and gateway keys: each keyed upstream its own key, a keyless one nothing, the client\'s never', async () => {
    const settings = config({ OPENAI_API_KEY: 'sk-openai-0005', GATEWAY_API_KEYS: 'gw-key-0006' });
    const admission = await createAuthenticator(settings)(new Headers({ authorization: 'Bearer gw-key-0006' }));
    expect(admission).toEqual({ ok: true, clientAuthorization: undefined });
    expect(sent(settings, undefined)).toEqual({
      openai: { authorization: 'Bearer sk-openai-0005', 'api-key': null },
      azure: { authorization: null, 'api-key': 'azure-key-000001' },
      hosted: { authorization: 'Bearer hosted-key-000002', 'api-key': null },
      vllm: { authorization: null, 'api-key': null },
    });
  });

  it('with gateway keys but no OPENAI_API_KEY (an upstream holds the key): a gateway key reaches no upstream', async () => {
    const settings = config({ GATEWAY_API_KEYS: 'gw-key-0006' });
    const authenticate = createAuthenticator(settings);
    expect(await authenticate(new Headers())).toMatchObject({ ok: false, error: { kind: 'missing_api_key' } });
    expect(await authenticate(new Headers({ authorization: 'Bearer sk-other-0007' }))).toMatchObject({ ok: false, error: { kind: 'invalid_api_key' } });
    const admission = await authenticate(new Headers({ authorization: 'Bearer gw-key-0006' }));
    expect(admission).toEqual({ ok: true, clientAuthorization: undefined });
    // Even handed the client's header, no upstream takes it: the credentials were decided at start.
    expect(sent(settings, 'Bearer gw-key-0006')).toEqual({
      openai: { authorization: null, 'api-key': null },
      azure: { authorization: null, 'api-key': 'azure-key-000001' },
      hosted: { authorization: 'Bearer hosted-key-000002', 'api-key': null },
      vllm: { authorization: null, 'api-key': null },
    });
  });

  it('with no OPENAI_API_KEY and no gateway keys (ALLOW_ANONYMOUS): keyless upstreams get the client\'s key, keyed ones their own', async () => {
    const settings = config({ ALLOW_ANONYMOUS: 'true' });
    const admission = await createAuthenticator(settings)(new Headers({ authorization: 'Bearer client-key-0003' }));
    expect(admission).toEqual({ ok: true, clientAuthorization: 'Bearer client-key-0003' });
    expect(sent(settings, 'Bearer client-key-0003')).toEqual({
      openai: { authorization: 'Bearer client-key-0003', 'api-key': null },
      azure: { authorization: null, 'api-key': 'azure-key-000001' },
      hosted: { authorization: 'Bearer hosted-key-000002', 'api-key': null },
      vllm: { authorization: 'Bearer client-key-0003', 'api-key': null },
    });
  });

  it('with OPENAI_API_KEY and ALLOW_ANONYMOUS: a keyless upstream gets no credential, not the client\'s', async () => {
    const settings = config({ OPENAI_API_KEY: 'sk-openai-0005', ALLOW_ANONYMOUS: 'true' });
    expect(await createAuthenticator(settings)(new Headers({ authorization: 'Bearer client-key-0003' }))).toEqual({ ok: true, clientAuthorization: undefined });
    expect(sent(settings, undefined).vllm).toEqual({ authorization: null, 'api-key': null });
  });

  it('without upstreams.yaml and without keys, the client\'s key goes to openai as before', () => {
    const parsed = parseConfig({});
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    expect(parsed.config.upstreams.all.map((upstream) => [upstream.name, upstream.credential])).toEqual([['openai', { kind: 'client' }]]);
  });
});

describe('configuration errors about upstream keys', () => {
  const errors = (env: Record<string, string>, upstreams: UpstreamsFile = UPSTREAMS) => {
    const parsed = parseConfig(env, upstreams);
    return parsed.ok ? [] : parsed.errors;
  };

  it('names a key variable that is not set (or empty), never a value', () => {
    expect(errors({ OPENAI_API_KEY: 'sk-proj-SECRET-1', GATEWAY_API_KEYS: 'gw-SECRET-2', AZURE_KEY: '' })).toEqual([
      'AZURE_KEY: is not set: it holds the key of upstream azure (upstreams.yaml)',
      'HOSTED_KEY: is not set: it holds the key of upstream hosted (upstreams.yaml)',
    ]);
  });

  it('refuses an upstream key without gateway keys (an open relay) unless ALLOW_ANONYMOUS', () => {
    expect(errors({ ...KEYS })).toEqual([
      'AZURE_KEY: is the key of upstream azure but GATEWAY_API_KEYS is not set: anyone could spend it through the gateway. Set GATEWAY_API_KEYS, or ALLOW_ANONYMOUS=true to allow it',
      'HOSTED_KEY: is the key of upstream hosted but GATEWAY_API_KEYS is not set: anyone could spend it through the gateway. Set GATEWAY_API_KEYS, or ALLOW_ANONYMOUS=true to allow it',
    ]);
    expect(errors({ ...KEYS, ALLOW_ANONYMOUS: 'true' })).toEqual([]);
  });

  it('accepts gateway keys without OPENAI_API_KEY only when an upstream has a key to guard', () => {
    expect(errors({ ...KEYS, GATEWAY_API_KEYS: 'gw-1' })).toEqual([]);
    expect(errors({ GATEWAY_API_KEYS: 'gw-1' }, { vllm: { base_url: 'http://x/v1', auth: 'bearer' } })).toEqual([
      "GATEWAY_API_KEYS: needs OPENAI_API_KEY: without it each client's own key goes upstream, so gateway keys would be forwarded to OpenAI",
    ]);
  });

  it('never shows a key in an error', () => {
    const all = [
      ...errors({ AZURE_KEY: 'azure-SECRET-3', HOSTED_KEY: 'hosted-SECRET-4', ALLOW_ANONYMOUS: 'sk-SECRET-5' }),
      ...errors({ AZURE_KEY: 'azure-SECRET-3', HOSTED_KEY: 'hosted-SECRET-4' }),
      ...errors({ AZURE_KEY: 'azure-SECRET-3', OPENAI_API_KEY: 'sk-SECRET-5' }),
    ];
    // ALLOW_ANONYMOUS; the two keys without gateway keys; OPENAI_API_KEY without them, HOSTED_KEY missing.
    expect(all).toHaveLength(5);
    expect(all.join('\n')).not.toContain('SECRET');
  });
});
