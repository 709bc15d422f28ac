// A stand-in upstream and the gateway in front of it, started once for a describe block: the
// upstream's record is cleared before each test.
import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { FakeUpstream } from './fake-upstream.ts';
import { client } from './openai-client.ts';
import type { RunningGateway, Runtime } from './runtimes.ts';

export type GatewayFixture = { readonly upstream: FakeUpstream; readonly gateway: RunningGateway; readonly openai: OpenAI };

export function useGateway(runtime: Runtime, options: { env?: Record<string, string>; apiKey?: string } = {}): GatewayFixture {
  const upstream = new FakeUpstream();
  let gateway: RunningGateway | undefined;
  let openai: OpenAI | undefined;
  beforeAll(async () => {
    await upstream.start();
    gateway = await runtime.start({ OPENAI_BASE_URL: upstream.url, ...options.env });
    openai = client(gateway, options.apiKey);
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream.stop();
  });
  beforeEach(() => upstream.reset());
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the gateway has not started');
    return value;
  };
  return {
    upstream,
    get gateway() {
      return started(gateway);
    },
    get openai() {
      return started(openai);
    },
  };
}
