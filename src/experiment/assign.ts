// Which arm serves one request: a forced arm (x-temperance-arm), else the unit's arm, else a
// random draw by weight. Pure apart from `random`, which the gateway's deps provide.
import { gatewayError, type GatewayError } from '../errors.ts';
import type { HeaderMap } from '../proxy/header-list.ts';
import { boundString } from '../observe/bound.ts';
import type { JsonObject } from '../policy/decision.ts';
import type { LoadedArm, LoadedExperiment } from '../policy/policy-set.ts';
import { armAt, drawForUnit } from './draw.ts';
import { readUnit, unitDigest } from './unit.ts';

export const ARM_HEADER = 'x-temperance-arm';
export const EXPERIMENT_HEADER = 'x-temperance-experiment';
/** How much of a client's unknown arm name an error message quotes. */
const QUOTED_CHARS = 64;

export type Assignment = {
  experiment: LoadedExperiment;
  arm: LoadedArm;
  /** Chosen by x-temperance-arm: left out of the statistics. */
  forced: boolean;
  /** Absent when the request had no unit. */
  unitDigest?: string;
};

export type AssignResult = { ok: true; assignment: Assignment } | { ok: false; error: GatewayError };

function quoted(text: string): string {
  return JSON.stringify(boundString(text, QUOTED_CHARS));
}

export function assignArm(experiment: LoadedExperiment, body: JsonObject, headers: HeaderMap, random: () => number): AssignResult {
  const unit = readUnit(experiment.sticky, body, headers);
  const digest = unit === undefined ? {} : { unitDigest: unitDigest(unit) };
  const wanted = headers.get(ARM_HEADER);
  if (wanted !== null) {
    const arm = experiment.arms.find((candidate) => candidate.name === wanted);
    if (arm === undefined) {
      const names = experiment.arms.map((candidate) => candidate.name).join(', ');
      return { ok: false, error: gatewayError('unknown_arm', `The experiment ${experiment.name} has no arm ${quoted(wanted)} (${ARM_HEADER}); its arms are: ${names}.`) };
    }
    return { ok: true, assignment: { experiment, arm, forced: true, ...digest } };
  }
  const arm = unit === undefined ? armAt(experiment.arms, random()) : drawForUnit(experiment.name, unit, experiment.arms);
  return { ok: true, assignment: { experiment, arm, forced: false, ...digest } };
}
