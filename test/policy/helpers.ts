// Policies for unit tests, written as a user writes them.
import { loadPolicies } from '../../src/policy/load.ts';
import type { Policy, PolicySet } from '../../src/policy/policy-set.ts';

export function policySet(files: Record<string, string>): PolicySet {
  const result = loadPolicies(Object.entries(files).map(([name, text]) => ({ path: `policies/${name}`, text })), 1_700_000_000);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.value;
}

/** The policy a request for `model` gets from a one-file folder. */
export function policyFor(yaml: string, model: string): Policy {
  const resolution = policySet({ 'p.yaml': yaml }).resolve(model);
  if (resolution === null) throw new Error(`no policy for ${model}`);
  return resolution.policy;
}
