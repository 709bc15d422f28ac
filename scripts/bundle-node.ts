// One esbuild call that turns Node entries (TypeScript) into bundled ES modules: used by
// `npm run start:node` (scripts/build-node.ts) and by the benchmark, which measures the
// Node paths as they are started in production.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// Some dependencies are CommonJS that calls require(): an ES module bundle has no `require`
// unless it makes one.
const REQUIRE_SHIM = "import { createRequire as __temperanceRequire } from 'node:module'; const require = __temperanceRequire(import.meta.url);";

export type BundleTarget = { outfile: string } | { outdir: string };

export async function bundleNode(entries: string[], target: BundleTarget): Promise<void> {
  await build({
    absWorkingDir: root,
    entryPoints: entries,
    ...target,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // Stack traces point at the TypeScript (node --enable-source-maps).
    sourcemap: true,
    banner: { js: REQUIRE_SHIM },
    logLevel: 'warning',
  });
}
