// Policy rules checked against the policy's base (contract §7): a rule (other than drop) for a
// parameter the base always refuses, or a system message in a role the base does not take, is
// an error naming the base. A refusal that holds only under a condition (gpt-5.1's sampling
// outside reasoning effort none) is not an error: the rule applies when the model takes it.
import type { Sampling, SamplingRule, SystemMessage } from '../policy/schema.ts';
import { resolveBase } from './base.ts';
import type { Family } from './family.ts';

export type BaseProblem = { path: (string | number)[]; message: string };

type Checked = {
  model: string;
  base?: string | undefined;
  sampling?: Sampling | undefined;
  system?: SystemMessage | undefined;
  personas?: Readonly<Record<string, { sampling?: Sampling | undefined; system?: SystemMessage | undefined }>> | undefined;
};

/** Whether `rule` for `param` gives the base a value it refuses on some route. */
function refused(entry: Family, param: string, rule: SamplingRule): boolean {
  if (rule.drop === true) return false;
  return Object.values(entry.routes).some((rules) => (rules.refuses ?? []).some((refusal) => {
    if (refusal.param !== param || refusal.unlessEffort !== undefined) return false;
    // A base that takes one value takes a rule fixing exactly that value.
    const fixesTheOnlyValue = Object.hasOwn(refusal, 'only') && Object.keys(rule).length === 1 && rule.fixed === refusal.only;
    return !fixesTheOnlyValue;
  }));
}

function refusedRole(entry: Family, role: string): boolean {
  return Object.values(entry.routes).some((rules) => (rules.refusesRoles ?? []).some((refusedRole) => refusedRole === role));
}

export function baseProblems(file: Checked): BaseProblem[] {
  const base = resolveBase(file.model, file.base);
  if (base?.entry === undefined || base.family === undefined) return [];
  const { entry, family } = base;
  const problems: BaseProblem[] = [];
  const check = (at: (string | number)[], sampling: Sampling | undefined, system: SystemMessage | undefined) => {
    for (const [param, rule] of Object.entries(sampling ?? {})) {
      if (refused(entry, param, rule)) problems.push({ path: [...at, 'sampling', param], message: `${file.model} is based on ${family}, which does not accept ${param}` });
    }
    if (system !== undefined && refusedRole(entry, system.role)) {
      problems.push({ path: [...at, 'system', 'role'], message: `${file.model} is based on ${family}, which does not take ${system.role} messages` });
    }
  };
  check([], file.sampling, file.system);
  for (const [name, persona] of Object.entries(file.personas ?? {})) check(['personas', name], persona.sampling, persona.system);
  return problems;
}
