// explain under an experiment: --unit shows the arm the unit draws (the gateway's arm for that
// unit), --arm forces one (an unknown arm is the gateway's refusal); check lists experiments.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { drawForUnit } from '../../../src/experiment/draw.ts';
import { useGateway } from '../../support/gateway-fixture.ts';
import { fixturePolicies, nodeRuntime } from '../../support/runtimes.ts';
import { runTemperance, tempDir } from '../../support/cli.ts';

const ARMS = [{ name: 'control', weight: 50 }, { name: 'cool', weight: 50 }, { name: 'hidden', weight: 0 }];
const coolUser = Array.from({ length: 100 }, (_, i) => `explain-${i}`).find((unit) => drawForUnit('trial-temperature', unit, ARMS).name === 'cool') ?? '';

async function explainJson(args: string[], cwd: string): Promise<unknown> {
  const run = await runTemperance(['explain', ...args, '--json', '--policies', fixturePolicies], { cwd });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout);
}

describe('temperance explain --unit/--arm', () => {
  // The real Node gateway before a stand-in upstream (cleared before each test): what explain
  // prints is compared with what it forwards.
  const fixture = useGateway(nodeRuntime);
  const { upstream } = fixture;
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir();
  });

  it('--unit gives the arm and the body the gateway forwards for that user', async () => {
    const explained = await explainJson(['--model', 'trial', '--unit', coolUser], dir);
    const body = { model: 'trial', messages: [{ role: 'user', content: 'Hello!' }], user: coolUser };
    const response = await fetch(`${fixture.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' }, body: JSON.stringify(body) });
    expect(response.headers.get('x-temperance-arm')).toBe('cool');
    expect(explained).toMatchObject({ experiment: { name: 'trial-temperature', arm: 'cool', chosenBy: 'unit' }, outcome: { forwarded: true, body: { temperature: 0.2 } } });
    // The unit in a --body counts as the gateway counts it.
    const file = join(dir, 'with-user.json');
    await writeFile(file, JSON.stringify(body));
    const fromBody = await explainJson(['--body', file], dir);
    expect(fromBody).toHaveProperty('outcome.body', upstream.last.json());
  });

  it('--arm forces an arm (weight 0 too); an unknown arm is the unknown_arm refusal', async () => {
    expect(await explainJson(['--model', 'trial', '--arm', 'hidden'], dir)).toMatchObject({ experiment: { arm: 'hidden', chosenBy: 'forced' }, outcome: { body: { temperature: 1.1 } } });
    expect(await explainJson(['--model', 'trial', '--arm', 'warm'], dir)).toMatchObject({ outcome: { forwarded: false, status: 400, error: { error: { code: 'unknown_arm', param: null } } } });
  });

  it('prints the experiment, its arms and which layer each rule came from', async () => {
    const run = await runTemperance(['explain', '--model', 'trial', '--arm', 'cool', '--policies', fixturePolicies], { cwd: dir });
    expect(run.stdout).toContain('experiment trial-temperature (arms: control 50, cool 50, hidden 0): arm cool, forced');
    expect(run.stdout).toContain('temperature: (absent) → 0.2   (default) [arm]');
    const none = await runTemperance(['explain', '--model', 'trial', '--policies', fixturePolicies], { cwd: dir });
    expect(none.stdout).toContain('arm control, no unit: each request draws by weight');
  });
});

describe('temperance check', () => {
  it('lists each experiment with its arms\' shares and metrics', async () => {
    const dir = await tempDir();
    const run = await runTemperance(['check', '--policies', fixturePolicies, '--schema', join(dir, 'schema.json')], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('experiment trial-temperature (policy trial, ');
    expect(run.stdout).toContain('control 50% (control), cool 50%, hidden 0%; metrics resolved');
    expect(run.stdout).toContain('experiment chum-tone (policy trial/chum, ');
  });
});
