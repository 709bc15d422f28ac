// temperance on Node, started as src/node.ts starts it (startNodeServer, the environment as
// configuration), plus the stats hook. BENCH_FETCH=global swaps in Node's built-in fetch for
// the upstream, to measure the default against it in the same run.
import process from 'node:process';
import { lineWriter } from '../../src/node/log.ts';
import { startNodeServer } from '../../src/node/server.ts';
import { serveStats } from '../ipc.ts';

const options = process.env.BENCH_FETCH === 'global' ? { watch: false, fetch: globalThis.fetch } : { watch: false };
// The request log as `npm run start:node` writes it: to stdout, which the benchmark points at
// /dev/null (bench/processes.ts quietStdout). An fs.WriteStream would write through libuv's
// thread pool, a cost (a thread wake-up per line) that stdout does not have.
const started = await startNodeServer(process.env, lineWriter(process.stdout), options);
if (!started.ok) {
  console.error(started.errors.join('\n'));
  process.exit(1);
}
serveStats(started.gateway.url);
