// `upstreams.yaml` (text) → validated upstream definitions, or every error at once, in the
// policy files' `file: field: problem` form. Pure: Node reads the file at start, the Worker's
// build step at build time.
import { errorMap, formatIssue, parseYaml, type LoadResult } from '../policy/load.ts';
import { UpstreamsFile } from './schema.ts';

export type UpstreamsSource = {
  /** Shown in errors, e.g. `upstreams.yaml`. */
  path: string;
  text: string;
};

export function parseUpstreamsFile(source: UpstreamsSource): LoadResult<UpstreamsFile> {
  let data: unknown;
  try {
    data = parseYaml(source.text);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, errors: [`${source.path}: cannot be read as YAML: ${message}`] };
  }
  // An empty file (or one of comments only, as the shipped example) names no upstream.
  if (data === null || data === undefined) return { ok: true, value: {} };
  const parsed = UpstreamsFile.safeParse(data, { error: errorMap });
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((issue) => formatIssue(source.path, issue)) };
  return { ok: true, value: parsed.data };
}
