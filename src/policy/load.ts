// Policy files (text) → validated policy data, or every error at once. Pure: the caller reads
// the files (Node at start and on change, the Worker's build step at build time).
import { parseDocument } from 'yaml';
import * as z from 'zod';
import { PolicyFile } from './schema.ts';
import { buildPolicySet, type LoadedFile, type PolicySet } from './policy-set.ts';
import { unknownUpstreams } from '../upstream/check-policies.ts';
import type { UpstreamsFile } from '../upstream/schema.ts';

export type PolicySource = {
  /** Shown in errors, e.g. `policies/support.yaml`. */
  path: string;
  text: string;
};

export type LoadResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

const EXTENSIONS = ['.yaml', '.yml', '.json'] as const;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Whether a file in the policy folder is a policy file (others, like a README, are ignored). */
export function isPolicyFileName(fileName: string): boolean {
  return !fileName.startsWith('.') && EXTENSIONS.some((ext) => fileName.endsWith(ext));
}

function baseName(path: string): string {
  const file = path.slice(path.lastIndexOf('/') + 1);
  return file.slice(0, file.lastIndexOf('.'));
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}

// Messages that read well after `file: field.path:`; custom messages of the schema win.
export const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `expected ${issue.expected}, got ${kindOf(issue.input)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    case 'invalid_key':
      // A record key (parameter or persona name) that failed its own check: say which check.
      return issue.issues[0]?.message;
    case 'invalid_value':
      return `must be ${issue.values.map((value) => JSON.stringify(value)).join(' or ')}`;
    default:
      return undefined;
  }
};

export function formatIssue(path: string, issue: z.core.$ZodIssue): string {
  const where = issue.path.map(String).join('.');
  return where === '' ? `${path}: ${issue.message}` : `${path}: ${where}: ${issue.message}`;
}

export function parseYaml(text: string): unknown {
  const document = parseDocument(text, { prettyErrors: false });
  // Warnings (an unknown directive, an unresolved !tag) would silently change what the file
  // says: a policy file is plain YAML or it is refused.
  const [problem] = [...document.errors, ...document.warnings];
  if (problem !== undefined) throw problem;
  return document.toJS();
}

function parseText(source: PolicySource): LoadResult<unknown> {
  try {
    const data: unknown = source.path.endsWith('.json') ? JSON.parse(source.text) : parseYaml(source.text);
    return { ok: true, value: data };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, errors: [`${source.path}: cannot be read as ${source.path.endsWith('.json') ? 'JSON' : 'YAML'}: ${message}`] };
  }
}

/** One file's text → its validated policy. */
export function parsePolicyFile(source: PolicySource): LoadResult<LoadedFile> {
  const name = baseName(source.path);
  if (!NAME.test(name)) {
    return { ok: false, errors: [`${source.path}: the file name "${name}" must be letters, digits, ".", "_" or "-"`] };
  }
  const data = parseText(source);
  if (!data.ok) return data;
  const parsed = PolicyFile.safeParse(data.value, { error: errorMap });
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((issue) => formatIssue(source.path, issue)) };
  return { ok: true, value: { name, path: source.path, policy: parsed.data } };
}

/**
 * Every file's text → a policy set, or every error of every file. With `upstreams` (upstreams.yaml,
 * validated), a policy naming an upstream it does not define is one of those errors.
 */
export function loadPolicies(sources: readonly PolicySource[], loadedAt: number, upstreams?: UpstreamsFile): LoadResult<PolicySet> {
  const files: LoadedFile[] = [];
  const errors: string[] = [];
  for (const source of sources) {
    const result = parsePolicyFile(source);
    if (result.ok) files.push(result.value);
    else errors.push(...result.errors);
  }
  const names = new Map<string, string>();
  for (const file of files) {
    const other = names.get(file.name);
    if (other !== undefined) errors.push(`${file.path}: the policy name "${file.name}" is also used by ${other}`);
    names.set(file.name, file.path);
  }
  if (upstreams !== undefined) errors.push(...unknownUpstreams(files, upstreams));
  // Names claimed twice are reported with the other errors, not after they are fixed.
  const built = buildPolicySet(files, loadedAt);
  if (!built.ok) errors.push(...built.errors);
  return errors.length > 0 ? { ok: false, errors } : built;
}
