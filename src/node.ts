// Node entry: `npm run start:node`. Exits 1 with every error when the configuration or the
// policy folder is invalid: the gateway never serves with a policy it could not read.
import process from 'node:process';
import { fdLineWriter } from './node/log.ts';
import { startNodeServer } from './node/server.ts';

// Straight to descriptor 1: see src/node/log.ts for why not process.stdout.
const writer = fdLineWriter(1);

function upstreamList(upstreams: readonly { name: string; host: string }[]): string {
  return upstreams.length === 1 ? `upstream ${upstreams[0]?.host ?? ''}` : `upstreams ${upstreams.map((upstream) => `${upstream.name} (${upstream.host})`).join(', ')}`;
}

const started = await startNodeServer(process.env, writer.log, { logDropped: writer.dropped });
if (!started.ok) {
  console.error(`temperance: cannot start:\n${started.errors.map((error) => `  ${error}`).join('\n')}`);
  process.exit(1);
}
const { gateway } = started;
const policies = gateway.policies().files.length;
console.log(`temperance (Node ${process.version}) listening on ${gateway.url}: ${policies} ${policies === 1 ? 'policy' : 'policies'} from ${gateway.config.POLICIES_DIR}, ${upstreamList(gateway.config.upstreams.all)}, store ${gateway.store ?? 'off'}, ready in ${Math.round(performance.now())} ms`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void gateway.close().then(writer.flush).then(() => process.exit(0));
  });
}
