// `npm run build:node` (and `prestart:node`, so `npm run start:node` needs no extra step): the
// Node entry bundled into one JavaScript file, dist/node.js. Node then loads plain JavaScript,
// one file, instead of stripping the types of ~100 modules (and loading the stripper) at every
// start: docs/benchmarks.md measures start-up time and RSS of both. Takes well under a second.
//   node scripts/build-node.ts [--entry src/node.ts] [--outfile dist/node.js]
import process from 'node:process';
import { parseArgs } from 'node:util';
import { bundleNode } from './bundle-node.ts';

const { values } = parseArgs({ options: { entry: { type: 'string', default: 'src/node.ts' }, outfile: { type: 'string', default: 'dist/node.js' } } });
const began = performance.now();
await bundleNode([values.entry], { outfile: values.outfile });
process.stderr.write(`temperance: bundled ${values.entry} → ${values.outfile} in ${Math.round(performance.now() - began)} ms\n`);
