// The policy folder on disk: read it whole, and watch it for changes (Node server and build step).
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isPolicyFileName, type PolicySource } from '../policy/load.ts';

export type DirRead = { ok: true; sources: PolicySource[] } | { ok: false; errors: string[] };

export async function readPolicyDir(dir: string): Promise<DirRead> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isFile() && isPolicyFileName(entry.name)).map((entry) => entry.name);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    return { ok: false, errors: [`POLICIES_DIR: the policy folder ${dir} cannot be read (${code})`] };
  }
  names.sort();
  const sources = await Promise.all(names.map(async (name) => {
    const path = join(dir, name);
    return { path, text: await readFile(path, 'utf8') };
  }));
  return { ok: true, sources };
}

/** Calls `onChange` once a burst of file events has settled (editors write in several steps). */
export function watchPolicyDir(dir: string, onChange: () => void, settleMs = 100): FSWatcher {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watcher = watch(dir, () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, settleMs);
  });
  watcher.on('close', () => clearTimeout(timer));
  return watcher;
}
