// The `temperance` bin starts under an older system Node too: the launcher re-executes the
// TypeScript CLI with the Node 22 of the `node` devDependency.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SYSTEM_NODE = '/usr/bin/node';
// PATH without node_modules/.bin, as a user's shell has it.
const PATH = (process.env.PATH ?? '').split(delimiter).filter((entry) => !entry.includes('node_modules')).join(delimiter);

function launch(node: string, args: string[]) {
  return spawnSync(node, ['bin/temperance.js', ...args], { cwd: root, env: { PATH }, encoding: 'utf8' });
}

describe('bin/temperance.js', () => {
  it.skipIf(!existsSync(SYSTEM_NODE))('runs the CLI from the system Node, passing output and exit codes through', () => {
    const help = launch(SYSTEM_NODE, ['--help']);
    expect(help.stderr).toBe('');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: temperance COMMAND');
    const explained = launch(SYSTEM_NODE, ['explain', '--model', 'support-bot', '--json']);
    expect(explained.status).toBe(0);
    expect(JSON.parse(explained.stdout)).toMatchObject({ policy: { name: 'support', via: 'alias' } });
    const mistake = launch(SYSTEM_NODE, ['explain']);
    expect(mistake).toMatchObject({ status: 1, stdout: '', stderr: 'temperance explain: --model is required (or a "model" in the --body file)\n' });
  });

  it('runs under the Node running the tests', () => {
    expect(launch(process.execPath, ['--help']).status).toBe(0);
  });
});
