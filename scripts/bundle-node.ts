// One esbuild call that turns Node entries (TypeScript) into bundled ES modules: used by
// `npm run start:node` (scripts/build-node.ts) and by the benchmark, which measures the
// Node paths as they are started in production.
import { build } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// Some dependencies are CommonJS that calls require(): an ES module bundle has no `require`
// unless it makes one.
const REQUIRE_SHIM = "import { createRequire as __temperanceRequire } from 'node:module'; const require = __temperanceRequire(import.meta.url);";

/** A folder: each entry becomes NAME.js there, beside the chunks they load on demand. */
export type BundleTarget = { outdir: string };

/**
 * The bundle as ASCII. esbuild escapes non-ASCII characters in strings and identifiers, but keeps
 * some comments of dependencies as they are (undici's "request’s …"), and one character above
 * U+00FF makes V8 hold the whole 3 MB source as a two-byte string: 6.5 MiB of RSS at start
 * instead of 3.3 (docs/benchmarks.md). `\uXXXX` means the same character in a string, a
 * template, a regular expression or an identifier, and is only text in a comment.
 */
export function asciiOnly(text: string): string {
  return text.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export async function bundleNode(entries: string[], target: BundleTarget): Promise<void> {
  const result = await build({
    write: false,
    absWorkingDir: root,
    entryPoints: entries,
    ...target,
    bundle: true,
    // Code reached only through import() (the OpenTelemetry SDK without a collector, the
    // Postgres client without a postgres:// store) goes to chunks of its own, read only when
    // imported: otherwise its source is part of what V8 holds from the start (docs/benchmarks.md).
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // Stack traces point at the TypeScript (node --enable-source-maps).
    sourcemap: true,
    banner: { js: REQUIRE_SHIM },
    logLevel: 'warning',
  });
  for (const file of result.outputFiles) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.path.endsWith('.js') ? asciiOnly(file.text) : file.contents);
  }
}
