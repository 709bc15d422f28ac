// upstreams.yaml on disk (Node server and the Worker's build step). No file means `openai` alone.
import { readFile } from 'node:fs/promises';
import type { LoadResult } from '../policy/load.ts';
import { parseUpstreamsFile } from '../upstream/load.ts';
import type { UpstreamsFile } from '../upstream/schema.ts';

/** `required`: a missing file is an error (UPSTREAMS_FILE named it) rather than no upstreams. */
export async function readUpstreamsFile(path: string, required = false): Promise<LoadResult<UpstreamsFile>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    if (code === 'ENOENT' && !required) return { ok: true, value: {} };
    return { ok: false, errors: [`UPSTREAMS_FILE: ${path} cannot be read (${code})`] };
  }
  return parseUpstreamsFile({ path, text });
}
