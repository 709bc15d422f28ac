// The migrations folder (migrations/NNNN_name.sql), read by the Node adapters; D1 runs the same
// files through `wrangler d1 migrations apply` (wrangler.toml migrations_dir).
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export type Migration = { name: string; sql: string };

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(dir)).filter((name) => /^\d{4}_[\w-]+\.sql$/.test(name)).sort();
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(`${dir}${name}`, 'utf8') })));
}
