#!/usr/bin/env node
// The `temperance` command. The CLI is TypeScript that Node runs directly (type stripping,
// Node ≥ 22.18 without a flag); this launcher is plain JavaScript so it also starts under an
// older system Node (20), and re-executes the CLI with the Node 22 binary of the `node`
// devDependency when the current Node cannot strip types.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));

function stripsTypes(version) {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 18);
}

function nodeBinary() {
  if (stripsTypes(process.versions.node)) return process.execPath;
  try {
    return createRequire(import.meta.url).resolve('node/bin/node');
  } catch {
    return undefined;
  }
}

const binary = nodeBinary();
if (binary === undefined) {
  console.error(`temperance: needs Node ≥ 22.18 (this is ${process.version}); run \`npm install\` in the temperance folder to get it as a dependency`);
  process.exit(1);
}
const child = spawn(binary, [main, ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl-C reaches the child itself (same process group): wait for it. A SIGTERM sent to this
// launcher alone is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  process.exit(signal === null ? (code ?? 1) : 128 + (constants.signals[signal] ?? 0));
});
