// The Worker has no filesystem: the build step validates `policies/` and writes this data,
// which the Worker turns back into a policy set at isolate start.
import { z } from 'zod';
import type { LoadResult } from './load.ts';
import { buildPolicySet, type LoadedFile, type PolicySet } from './policy-set.ts';
import { PolicyFile } from './schema.ts';

export const CompiledPolicies = z.strictObject({
  loadedAt: z.number().int(),
  files: z.array(z.strictObject({ name: z.string(), path: z.string(), policy: PolicyFile })),
});
export type CompiledPolicies = z.input<typeof CompiledPolicies>;

export function toCompiled(set: PolicySet): CompiledPolicies {
  return { loadedAt: set.loadedAt, files: set.files.map(({ name, path, policy }) => ({ name, path, policy })) };
}

/** Parsed again (cheap, once per isolate) so the types come from the schema, not a cast. */
export function fromCompiled(data: unknown): LoadResult<PolicySet> {
  const parsed = CompiledPolicies.safeParse(data);
  if (!parsed.success) return { ok: false, errors: [`compiled policies: ${parsed.error.issues[0]?.message ?? 'invalid'}`] };
  const files: LoadedFile[] = parsed.data.files;
  return buildPolicySet(files, parsed.data.loadedAt);
}
