// The same unit gets the same arm from the Node server and from the Worker (and the same
// policy digest): the draw is a pure function of the experiment's name, the unit and the arms.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeUpstream } from '../support/fake-upstream.ts';
import { client } from '../support/openai-client.ts';
import { nodeRuntime, workerdRuntime, type RunningGateway } from '../support/runtimes.ts';

const upstream = new FakeUpstream();
let node: RunningGateway;
let worker: RunningGateway;

beforeAll(async () => {
  await upstream.start();
  [node, worker] = await Promise.all([nodeRuntime.start({ OPENAI_BASE_URL: upstream.url }), workerdRuntime.start({ OPENAI_BASE_URL: upstream.url })]);
});
afterAll(async () => {
  await Promise.all([node?.close(), worker?.close()]);
  await upstream.stop();
});

async function armsFrom(gateway: RunningGateway, units: readonly string[]): Promise<(string | null)[]> {
  const openai = client(gateway);
  const arms: (string | null)[] = [];
  for (const unit of units) {
    const { response } = await openai.chat.completions.create({ model: 'trial', messages: [{ role: 'user', content: 'Hi' }], user: unit }).withResponse();
    arms.push(response.headers.get('x-temperance-arm'));
  }
  return arms;
}

async function digestOf(gateway: RunningGateway): Promise<string | undefined> {
  const records: { experiment?: { policyDigest: string } }[] = JSON.parse(await (await fetch(`${gateway.url}/_temperance/traces.json`)).text());
  return records.find((record) => record.experiment !== undefined)?.experiment?.policyDigest;
}

it('gives 24 units the same arms on Node and on workerd, both arms drawn, and the same policy digest', async () => {
  const units = Array.from({ length: 24 }, (_, i) => `same-unit-${i}`);
  const fromNode = await armsFrom(node, units);
  const fromWorker = await armsFrom(worker, units);
  expect(fromWorker).toEqual(fromNode);
  expect(new Set(fromNode)).toEqual(new Set(['control', 'cool']));
  const digest = await digestOf(node);
  expect(digest).toMatch(/^[0-9a-f]{16}$/);
  await expect.poll(() => digestOf(worker)).toBe(digest);
});
