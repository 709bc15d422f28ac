// The governed route with named upstreams, in-process (the upstream is the only thing mocked):
// the policy that applied decides where a request goes, and a policy naming an upstream the
// gateway does not have (a set loaded without upstreams.yaml) is refused, never guessed.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { createGateway } from '../../src/gateway.ts';
import { policySet } from '../policy/helpers.ts';

type Sent = { url: string; headers: Headers };

function gateway(files: Record<string, string>) {
  const parsed = parseConfig(
    { OPENAI_BASE_URL: 'http://openai.test/v1', OPENAI_API_KEY: 'sk-openai-test-1', GATEWAY_API_KEYS: 'gw-test-key-1', AZ_KEY: 'azure-test-key-1' },
    { azure: { base_url: 'https://acme.openai.azure.com/openai/v1', api_key_env: 'AZ_KEY', auth: 'api-key' } },
  );
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const sent: Sent[] = [];
  const bodies: unknown[] = [];
  const upstream: typeof fetch = async (input, init) => {
    sent.push({ url: String(input), headers: new Headers(init?.headers) });
    if (init?.body instanceof Uint8Array) bodies.push(JSON.parse(new TextDecoder().decode(init.body)));
    return new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const set = policySet(files);
  const app = createGateway({ config: parsed.config, policies: () => set, fetch: upstream });
  const post = (model: string, path = '/v1/chat/completions', extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) => app.request(path, {
    method: 'POST', headers: { authorization: 'Bearer gw-test-key-1', 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model, messages: [], ...extra }),
  });
  return { post, sent, bodies };
}

describe('the governed routes with named upstreams', () => {
  it('send a policy\'s requests to its upstream with its credential, and the rest to openai', async () => {
    const { post, sent } = gateway({ 'az.yaml': 'model: support-prod\nupstream: azure\n', 'plain.yaml': 'model: plain\n' });
    expect((await post('support-prod')).status).toBe(200);
    expect((await post('support-prod', '/v1/completions')).status).toBe(200);
    expect((await post('plain')).status).toBe(200);
    expect((await post('unlisted')).status).toBe(200);
    expect(sent.map(({ url, headers }) => [url, headers.get('authorization'), headers.get('api-key')])).toEqual([
      ['https://acme.openai.azure.com/openai/v1/chat/completions', null, 'azure-test-key-1'],
      ['https://acme.openai.azure.com/openai/v1/completions', null, 'azure-test-key-1'],
      ['http://openai.test/v1/chat/completions', 'Bearer sk-openai-test-1', null],
      ['http://openai.test/v1/chat/completions', 'Bearer sk-openai-test-1', null],
    ]);
  });

  it('send an experiment arm\'s requests to the arm\'s upstream: the same fine-tune compared at OpenAI and in Azure', async () => {
    const { post, sent } = gateway({ 'ab.yaml': 'model: support-ft\nexperiment:\n  arms:\n    openai: { weight: 50 }\n    azure: { weight: 50, upstream: azure }\n' });
    const send = (arm: string) => post('support-ft', '/v1/chat/completions', {}, { 'x-temperance-arm': arm });
    expect((await send('openai')).headers.get('x-temperance-arm')).toBe('openai');
    expect((await send('azure')).headers.get('x-temperance-arm')).toBe('azure');
    expect(sent.map(({ url, headers }) => [url, headers.get('authorization'), headers.get('api-key')])).toEqual([
      ['http://openai.test/v1/chat/completions', 'Bearer sk-openai-test-1', null],
      ['https://acme.openai.azure.com/openai/v1/chat/completions', null, 'azure-test-key-1'],
    ]);
  });

  it('apply what a deployment\'s stated base refuses before it goes to its upstream (catalog and upstreams together)', async () => {
    const { post, sent, bodies } = gateway({ 'az.yaml': 'model: reasoning-prod\nupstream: azure\nbase: o4-mini\n' });
    const response = await post('reasoning-prod', '/v1/chat/completions', { temperature: 0.7, max_tokens: 50 });
    expect(response.status).toBe(200);
    expect(sent.map(({ url }) => url)).toEqual(['https://acme.openai.azure.com/openai/v1/chat/completions']);
    expect(bodies[0]).toEqual({ model: 'reasoning-prod', messages: [], max_completion_tokens: 50 });
  });

  it('refuse with 500 gateway_misconfigured, sending nothing, when a policy names an upstream the gateway lacks', async () => {
    // policySet() loads without upstreams.yaml, so the name is not checked at load.
    const { post, sent } = gateway({ 'lora.yaml': 'model: sql-lora\nupstream: vllm\n' });
    const response = await post('sql-lora');
    expect(response.status).toBe(500);
    expect(response.headers.get('x-temperance-policy')).toBe('lora');
    expect(await response.json()).toMatchObject({ error: { code: 'gateway_misconfigured', message: 'The policy lora names an upstream this gateway does not define.' } });
    expect(sent).toEqual([]);
  });
});
