// Node entry: `npm run start:node`. Exits 1 with every error when the configuration or the
// policy folder is invalid: the gateway never serves with a policy it could not read.
import process from 'node:process';
import { lineWriter } from './node/log.ts';
import { startNodeServer } from './node/server.ts';

const log = lineWriter(process.stdout);

const started = await startNodeServer(process.env, log);
if (!started.ok) {
  console.error(`temperance: cannot start:\n${started.errors.map((error) => `  ${error}`).join('\n')}`);
  process.exit(1);
}
const { gateway } = started;
const policies = gateway.policies().files.length;
console.log(`temperance (Node ${process.version}) listening on ${gateway.url}: ${policies} ${policies === 1 ? 'policy' : 'policies'} from ${gateway.config.POLICIES_DIR}, upstream ${new URL(gateway.config.OPENAI_BASE_URL).host}, store ${gateway.store ?? 'off'}, ready in ${Math.round(performance.now())} ms`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void gateway.close().then(() => process.exit(0));
  });
}
