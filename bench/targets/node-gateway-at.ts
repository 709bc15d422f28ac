// temperance on Node from another checkout of src/ (BENCH_SRC: the folder holding node/server.ts),
// for `npm run bench -- --before REF`: the code before a change, measured in the same run.
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { isRecord, serveStats } from '../ipc.ts';

const src = process.env.BENCH_SRC;
if (src === undefined) throw new Error('BENCH_SRC is not set');
// Another revision's module: its types are not this one's, so the shape is checked, not assumed.
const loaded: unknown = await import(pathToFileURL(`${src}/node/server.ts`).href);
if (!isRecord(loaded) || typeof loaded.startNodeServer !== 'function') throw new Error(`${src}/node/server.ts has no startNodeServer`);
const started: unknown = await loaded.startNodeServer(process.env, () => {}, { watch: false });
if (!isRecord(started) || started.ok !== true || !isRecord(started.gateway) || typeof started.gateway.url !== 'string') {
  console.error(JSON.stringify(started));
  process.exit(1);
}
serveStats(started.gateway.url);
