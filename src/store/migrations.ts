// The migrations folder (migrations/NNNN_name.sql), read by the Node adapters; D1 runs the same
// files through `wrangler d1 migrations apply` (wrangler.toml migrations_dir).
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIGRATION_FILE = /^\d{4}_[\w-]+\.sql$/;

/**
 * The repository's migrations/ folder, found from this module upwards: it is two levels up from
 * src/store/, one from the bundle in dist/ (npm run start:node), deeper for the benchmark's
 * bundles.
 */
function findMigrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'migrations');
    if (existsSync(join(candidate, '0001_outcomes_and_feedback.sql'))) return `${candidate}/`;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('the migrations folder was not found above the gateway\'s code');
    dir = parent;
  }
}

export type Migration = { name: string; sql: string };

export async function readMigrations(dir = findMigrationsDir()): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((name) => MIGRATION_FILE.test(name)).sort();
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(`${dir}${name}`, 'utf8') })));
}
