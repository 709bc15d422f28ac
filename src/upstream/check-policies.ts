// A policy (or persona) naming an upstream upstreams.yaml does not define is an error of the
// policy file, reported with the other policy errors: the gateway never serves a policy whose
// requests would have nowhere to go.
import type { LoadedFile } from '../policy/policy-set.ts';
import { OPENAI_UPSTREAM, type UpstreamsFile } from './schema.ts';

export function unknownUpstreams(files: readonly LoadedFile[], upstreams: UpstreamsFile): string[] {
  const defined = [OPENAI_UPSTREAM, ...Object.keys(upstreams)];
  const known = new Set(defined);
  const problem = (path: string, field: string, name: string) =>
    `${path}: ${field}: "${name}" is not an upstream of upstreams.yaml (defined: ${defined.join(', ')})`;
  return files.flatMap((file) => {
    const errors: string[] = [];
    const { upstream, personas } = file.policy;
    if (upstream !== undefined && !known.has(upstream)) errors.push(problem(file.path, 'upstream', upstream));
    for (const [persona, rules] of Object.entries(personas ?? {})) {
      if (rules.upstream !== undefined && !known.has(rules.upstream)) errors.push(problem(file.path, `personas.${persona}.upstream`, rules.upstream));
    }
    return errors;
  });
}
