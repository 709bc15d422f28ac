// temperance on Node, started as src/node.ts starts it (startNodeServer, the environment as
// configuration), plus the stats hook. BENCH_FETCH=global swaps in Node's built-in fetch for
// the upstream, to measure the default against it in the same run.
import process from 'node:process';
import { fdLineWriter } from '../../src/node/log.ts';
import { startNodeServer } from '../../src/node/server.ts';
import { serveStats } from '../ipc.ts';

const options = process.env.BENCH_FETCH === 'global' ? { watch: false, fetch: globalThis.fetch } : { watch: false };
// The request log as `npm run start:node` writes it: the same writer on descriptor 1, which the
// benchmark points at /dev/null (bench/processes.ts quietStdout).
const started = await startNodeServer(process.env, fdLineWriter(1).log, options);
if (!started.ok) {
  console.error(started.errors.join('\n'));
  process.exit(1);
}
serveStats(started.gateway.url);
