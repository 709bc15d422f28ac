// Validated policy files → the policies the gateway serves: one per file and one per persona,
// with every exact name, alias and pattern claimed by exactly one of them.
import { isPattern, type Experiment, type Metric, type PolicyFile, type Sampling, type SystemMessage } from './schema.ts';
import { createResolver, type Resolution } from './resolve.ts';
import { sha256Hex } from '../experiment/sha256.ts';
import { DEFAULT_STICKY, parseUnitSource, type UnitSource } from '../experiment/unit.ts';
import { OPENAI_UPSTREAM } from '../upstream/schema.ts';

export type LoadedFile = { name: string; path: string; policy: PolicyFile };

/** What governs a request: a file's own rules, or one persona's merged over them. */
export type Policy = {
  /** `NAME`, or `NAME/PERSONA`: the name in headers, traces and errors. */
  name: string;
  /** The file it came from, e.g. `policies/support.yaml`. */
  path: string;
  /** The upstream model id, or the pattern. */
  model: string;
  pattern: boolean;
  sampling: Sampling;
  outOfRange: 'clamp' | 'reject';
  system: SystemMessage | undefined;
  /** Names clients may send that are rewritten to `model` (aliases for the file, the persona name for a persona). */
  aliases: readonly string[];
  /** Which layer each rule came from (sampling parameters, `system`, `out_of_range`); a rule not listed: the file. */
  layers: Readonly<Record<string, Layer>>;
  /** The experiment that splits this policy's requests between arms (never on an arm's own policy). */
  experiment: LoadedExperiment | undefined;
  /** The file's `base:`, when it states the base model its id does not reveal (contract §7). */
  base: string | undefined;
  /** Where its requests go: a name from upstreams.yaml, or `openai`. Inherited like `system`. */
  upstream: string;
};

/** One inheritance, three layers: the file, a persona over it, an experiment's arm over either. */
export type Layer = 'file' | 'persona' | 'arm';

/** One experiment as loaded: enough for feedback validation and results (the seam with the outcomes store). */
export type ExperimentSummary = {
  /** The experiment's name (default: the policy's name, NAME or NAME/PERSONA). */
  name: string;
  /** The governing policy's name. */
  policy: string;
  /** policies/FILE */
  path: string;
  /** The first arm's name. */
  control: string;
  /** In file order. */
  arms: { name: string; weight: number }[];
  metrics: Record<string, Metric>;
  /** The policy file's digest as loaded (the same as a record's experiment.policyDigest). */
  digest: string;
};

/** An arm with its rules already merged: the engine applies `policy` as it would any other. */
export type LoadedArm = { name: string; weight: number; policy: Policy };

export type LoadedExperiment = {
  name: string;
  sticky: readonly UnitSource[];
  /** In file order; the first is the control. */
  arms: readonly LoadedArm[];
  summary: ExperimentSummary;
};

/** The rules one layer may give; what it gives replaces the layer below's. */
type LayerRules = { sampling?: Sampling | undefined; out_of_range?: 'clamp' | 'reject' | undefined; system?: SystemMessage | undefined; upstream?: string | undefined };

export type PolicySet = {
  readonly files: readonly LoadedFile[];
  readonly policies: readonly Policy[];
  /** Every experiment of the folder, files in name order, a file's own before its personas'. */
  readonly experiments: readonly ExperimentSummary[];
  /** Unix seconds: the `created` of alias entries in GET /v1/models. */
  readonly loadedAt: number;
  resolve(model: string): Resolution | null;
};

type BuildResult = { ok: true; value: PolicySet } | { ok: false; errors: string[] };

/**
 * `rules` of one layer over `base`: a rule for a parameter replaces the whole rule below it;
 * `system`, `out_of_range` and `upstream` replace the whole mapping. Personas and arms merge this one way.
 */
export function mergeLayer(base: Policy, rules: LayerRules, layer: Layer): Policy {
  const layers: Record<string, Layer> = { ...base.layers };
  for (const param of Object.keys(rules.sampling ?? {})) layers[param] = layer;
  if (rules.out_of_range !== undefined) layers.out_of_range = layer;
  if (rules.system !== undefined) layers.system = layer;
  if (rules.upstream !== undefined) layers.upstream = layer;
  return policyOf({
    ...base,
    sampling: { ...base.sampling, ...rules.sampling },
    outOfRange: rules.out_of_range ?? base.outOfRange,
    system: rules.system ?? base.system,
    upstream: rules.upstream ?? base.upstream,
    layers,
    // The experiment below is never inherited: a persona's is its own, an arm has none.
    experiment: undefined,
  });
}

/**
 * Every policy built with the same properties in the same order: files, personas and arms then
 * share one V8 hidden class, so the engine's property reads stay monomorphic on a gateway that
 * serves all three (an arm's policy used to lack `experiment` and a file's `layers`).
 */
export function policyOf(fields: Policy): Policy {
  return {
    name: fields.name,
    path: fields.path,
    model: fields.model,
    pattern: fields.pattern,
    sampling: fields.sampling,
    outOfRange: fields.outOfRange,
    system: fields.system,
    aliases: fields.aliases,
    layers: fields.layers,
    experiment: fields.experiment,
    base: fields.base,
    upstream: fields.upstream,
  };
}

/** The digest of a policy file as loaded: the same data gives the same digest on Node and in the Worker. */
export function policyDigest(policy: PolicyFile): string {
  return sha256Hex(JSON.stringify(policy)).slice(0, 16);
}

/** An experiment with each arm's policy merged once, at load, not per request. */
function loadExperiment(experiment: Experiment, owner: Policy, digest: string): LoadedExperiment {
  const arms = Object.entries(experiment.arms).map(([name, arm]) => ({ name, weight: arm.weight, policy: mergeLayer(owner, arm, 'arm') }));
  const name = experiment.name ?? owner.name;
  const summary: ExperimentSummary = {
    name,
    policy: owner.name,
    path: owner.path,
    control: arms[0]?.name ?? '',
    arms: arms.map((arm) => ({ name: arm.name, weight: arm.weight })),
    metrics: experiment.metrics ?? {},
    digest,
  };
  return { name, sticky: (experiment.sticky ?? DEFAULT_STICKY).map(parseUnitSource), arms, summary };
}

function withExperiment(policy: Policy, experiment: Experiment | undefined, digest: string): Policy {
  return experiment === undefined ? policy : policyOf({ ...policy, experiment: loadExperiment(experiment, policy, digest) });
}

function personaPolicies(file: LoadedFile, base: Policy, digest: string): Policy[] {
  return Object.entries(file.policy.personas ?? {}).map(([persona, rules]) => withExperiment(
    // A persona's requests are governed by its own experiment only, never by the file's.
    policyOf({ ...mergeLayer(base, rules, 'persona'), name: `${file.name}/${persona}`, aliases: [persona] }),
    rules.experiment,
    digest,
  ));
}

/** Experiment names unique across the folder; one type per metric name (errors name both files). */
function checkExperiments(experiments: readonly ExperimentSummary[]): string[] {
  const errors: string[] = [];
  const names = new Map<string, ExperimentSummary>();
  const metrics = new Map<string, { type: string; path: string }>();
  for (const experiment of experiments) {
    const other = names.get(experiment.name);
    if (other !== undefined) {
      errors.push(`${experiment.path}: experiment.name: "${experiment.name}" (policy ${experiment.policy}) is also the name of an experiment of ${other.path} (policy ${other.policy})`);
    }
    names.set(experiment.name, experiment);
    for (const [metric, { type }] of Object.entries(experiment.metrics)) {
      const seen = metrics.get(metric);
      if (seen !== undefined && seen.type !== type) {
        errors.push(`${experiment.path}: experiment.metrics.${metric}: type ${type}, but ${seen.path} declares "${metric}" as ${seen.type}`);
      }
      if (seen === undefined) metrics.set(metric, { type, path: experiment.path });
    }
  }
  return errors;
}

/** Files (already validated one by one) → a set, or the names claimed by two files. */
export function buildPolicySet(input: readonly LoadedFile[], loadedAt: number): BuildResult {
  // File name order decides ties between equally specific patterns.
  const files = [...input].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const policies: Policy[] = [];
  const exact = new Map<string, Resolution>();
  const claimedBy = new Map<string, string>();
  const errors: string[] = [];

  const claim = (name: string, file: LoadedFile, field: string, resolution: Resolution) => {
    const owner = claimedBy.get(name);
    if (owner !== undefined && owner !== file.path) {
      errors.push(`${file.path}: ${field}: "${name}" is also claimed by ${owner}`);
      return;
    }
    claimedBy.set(name, file.path);
    if (!resolution.policy.pattern) exact.set(name, resolution);
  };

  for (const file of files) {
    const { policy: data } = file;
    const digest = policyDigest(data);
    const rules = policyOf({
      name: file.name,
      path: file.path,
      model: data.model,
      pattern: isPattern(data.model),
      sampling: data.sampling ?? {},
      outOfRange: data.out_of_range,
      system: data.system,
      aliases: data.aliases ?? [],
      layers: {},
      experiment: undefined,
      base: data.base,
      upstream: data.upstream ?? OPENAI_UPSTREAM,
    });
    const own = withExperiment(rules, data.experiment, digest);
    policies.push(own);
    claim(data.model, file, 'model', { policy: own, via: own.pattern ? 'pattern' : 'exact' });
    for (const alias of own.aliases) claim(alias, file, 'aliases', { policy: own, via: 'alias' });
    for (const persona of personaPolicies(file, rules, digest)) {
      policies.push(persona);
      for (const name of persona.aliases) claim(name, file, `personas.${name}`, { policy: persona, via: 'persona' });
    }
  }
  const experiments = policies.flatMap((policy) => (policy.experiment === undefined ? [] : [policy.experiment.summary]));
  errors.push(...checkExperiments(experiments));
  if (errors.length > 0) return { ok: false, errors };

  const resolve = createResolver(exact, policies.filter((policy) => policy.pattern));
  return { ok: true, value: { files, policies, experiments, loadedAt, resolve } };
}
