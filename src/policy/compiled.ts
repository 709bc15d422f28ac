// The Worker has no filesystem: the build step validates `policies/` and writes this data,
// which the Worker turns back into a policy set at isolate start.
import * as z from 'zod';
import type { LoadResult } from './load.ts';
import { buildPolicySet, type LoadedFile, type PolicySet } from './policy-set.ts';
import { PolicyFile } from './schema.ts';
import { unknownUpstreams } from '../upstream/check-policies.ts';
import { UpstreamsFile } from '../upstream/schema.ts';

export const CompiledPolicies = z.strictObject({
  loadedAt: z.number().int(),
  files: z.array(z.strictObject({ name: z.string(), path: z.string(), policy: PolicyFile })),
  // upstreams.yaml, compiled beside the policies that name its upstreams (absent: openai alone).
  upstreams: UpstreamsFile.optional(),
});
export type CompiledPolicies = z.input<typeof CompiledPolicies>;

export function toCompiled(set: PolicySet, upstreams: UpstreamsFile = {}): CompiledPolicies {
  return { loadedAt: set.loadedAt, files: set.files.map(({ name, path, policy }) => ({ name, path, policy })), upstreams };
}

/** Parsed again (cheap, once per isolate) so the types come from the schema, not a cast. */
export function fromCompiled(data: unknown): LoadResult<PolicySet> {
  const parsed = CompiledPolicies.safeParse(data);
  if (!parsed.success) return { ok: false, errors: [`compiled policies: ${parsed.error.issues[0]?.message ?? 'invalid'}`] };
  const files: LoadedFile[] = parsed.data.files;
  const unknown = unknownUpstreams(files, parsed.data.upstreams ?? {});
  if (unknown.length > 0) return { ok: false, errors: unknown };
  return buildPolicySet(files, parsed.data.loadedAt);
}

/** The compiled upstreams.yaml; parsed again (once per isolate) so its types come from the schema. */
export function upstreamsFromCompiled(data: unknown): LoadResult<UpstreamsFile> {
  const parsed = CompiledPolicies.safeParse(data);
  if (!parsed.success) return { ok: false, errors: [`compiled upstreams: ${parsed.error.issues[0]?.message ?? 'invalid'}`] };
  return { ok: true, value: parsed.data.upstreams ?? {} };
}
