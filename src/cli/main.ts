// Entry of the `temperance` command (bin/temperance.js starts it under Node ≥ 22.18).
import process from 'node:process';
import { runCli } from './run-cli.ts';

process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTty: process.stderr.isTTY === true,
  cwd: process.cwd(),
  env: process.env,
  fetch: globalThis.fetch,
});
