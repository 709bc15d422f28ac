// A policy (or persona) naming an upstream upstreams.yaml does not define is an error of the
// policy file, reported with the other policy errors: the gateway never serves a policy whose
// requests would have nowhere to go.
import type { LoadedFile } from '../policy/policy-set.ts';
import type { Experiment } from '../policy/schema.ts';
import { OPENAI_UPSTREAM, type UpstreamsFile } from './schema.ts';

export function unknownUpstreams(files: readonly LoadedFile[], upstreams: UpstreamsFile): string[] {
  const defined = [OPENAI_UPSTREAM, ...Object.keys(upstreams)];
  const known = new Set(defined);
  const problem = (path: string, field: string, name: string) =>
    `${path}: ${field}: "${name}" is not an upstream of upstreams.yaml (defined: ${defined.join(', ')})`;
  return files.flatMap((file) => {
    const errors: string[] = [];
    const check = (field: string, name: string | undefined) => {
      if (name !== undefined && !known.has(name)) errors.push(problem(file.path, field, name));
    };
    const checkArms = (prefix: string, experiment: Experiment | undefined) => {
      for (const [arm, rules] of Object.entries(experiment?.arms ?? {})) check(`${prefix}experiment.arms.${arm}.upstream`, rules.upstream);
    };
    const { upstream, personas, experiment } = file.policy;
    check('upstream', upstream);
    checkArms('', experiment);
    for (const [persona, rules] of Object.entries(personas ?? {})) {
      check(`personas.${persona}.upstream`, rules.upstream);
      checkArms(`personas.${persona}.`, rules.experiment);
    }
    return errors;
  });
}
