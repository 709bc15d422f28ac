// `npm run build:node` (and `prestart:node`, so `npm run start:node` needs no extra step): the
// Node entry bundled into one JavaScript file, dist/node.js. Node then loads plain JavaScript,
// one file, instead of stripping the types of ~100 modules (and loading the stripper) at every
// start: docs/benchmarks.md measures start-up time and RSS of both. Takes well under a second.
// Beside it, dist/start.js, what `npm run start:node` runs: it turns on Node's compile cache
// (module.enableCompileCache: V8's compiled code kept on disk, by default under the system's
// temporary folder or NODE_COMPILE_CACHE) before it loads the bundle, so a start after the
// first skips compiling it (~25% sooner ready and ~5 MiB less RSS here, docs/benchmarks.md).
//   node scripts/build-node.ts [--entry src/node.ts] [--outdir dist]
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { bundleNode } from './bundle-node.ts';

const { values } = parseArgs({ options: { entry: { type: 'string', default: 'src/node.ts' }, outdir: { type: 'string', default: 'dist' } } });
const began = performance.now();
const outfile = join(values.outdir, 'node.js');
// Chunks of an earlier build are not reused: the folder holds this build only.
await rm(join(values.outdir, 'chunks'), { recursive: true, force: true });
await bundleNode([values.entry], { outdir: values.outdir });
// Plain JavaScript, written here rather than bundled: the cache must be on before the bundle is compiled.
await writeFile(join(values.outdir, 'start.js'), [
  '// Written by scripts/build-node.ts: the compile cache first, then the bundled gateway.',
  "import { enableCompileCache } from 'node:module';",
  '',
  '// A cache that cannot be used (a read-only temporary folder) is reported, not thrown: the start goes on without it.',
  'enableCompileCache();',
  "await import('./node.js');",
  '',
].join('\n'));
process.stderr.write(`temperance: bundled ${values.entry} → ${outfile} in ${Math.round(performance.now() - began)} ms\n`);
