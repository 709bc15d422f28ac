// The only place a policy file's shape is written. Types are inferred from these schemas;
// `schema/policy.schema.json` is generated from them for editors.
import * as z from 'zod';
import { baseProblems } from '../catalog/validate.ts';
import { numericRange, NUMERIC_PARAMETERS } from './parameters.ts';
import { UPSTREAM_NAME } from '../upstream/schema.ts';

const JsonValue = z.json();

export const SamplingRule = z
  .strictObject({
    default: JsonValue.optional().meta({
      description: 'Used when the request omits the parameter or sends null.',
    }),
    min: z.number().optional().meta({ description: 'Lowest value a client may send.' }),
    max: z.number().optional().meta({ description: 'Highest value a client may send.' }),
    fixed: JsonValue.optional().meta({
      description: 'Always this value, whatever the client sent. Stands without default, min or max.',
    }),
    drop: z.literal(true).optional().meta({
      description: 'Remove the parameter before forwarding (for models that reject it). Stands alone.',
    }),
  })
  .meta({ description: 'How one request parameter is governed.' });
export type SamplingRule = z.infer<typeof SamplingRule>;

const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function describeNumber(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

type Report = (path: string[], message: string) => void;

/** Cross-field checks of one rule; paths are relative to the `sampling` mapping. */
function checkRule(param: string, rule: SamplingRule, report: Report): void {
  const issue = (field: string | undefined, message: string) => report(field === undefined ? [param] : [param, field], message);
  const has = (field: keyof SamplingRule) => Object.hasOwn(rule, field) && rule[field] !== undefined;

  if (!has('default') && !has('min') && !has('max') && !has('fixed') && !has('drop')) {
    issue(undefined, 'a rule needs one of default, min, max, fixed or drop');
    return;
  }
  if (has('drop') && (has('default') || has('min') || has('max') || has('fixed'))) {
    issue('drop', 'drop stands alone: remove the other fields of this rule');
    return;
  }
  if (has('fixed') && (has('default') || has('min') || has('max'))) {
    issue('fixed', 'fixed cannot be combined with default, min or max');
    return;
  }

  const range = numericRange(param);
  if (range === undefined) {
    if (has('min') || has('max')) {
      const known = Object.keys(NUMERIC_PARAMETERS).join(', ');
      issue(has('min') ? 'min' : 'max', `min and max apply only to numeric parameters (${known})`);
    }
    return;
  }

  let valid = true;
  for (const field of ['default', 'min', 'max', 'fixed'] as const) {
    if (!has(field)) continue;
    const value = rule[field];
    if (typeof value !== 'number') {
      issue(field, `${describeNumber(value)} is not a number`);
      valid = false;
    } else if (range.integer && !Number.isInteger(value)) {
      issue(field, `${value} is not an integer (${param} takes whole numbers)`);
      valid = false;
    } else if (range.min !== undefined && value < range.min) {
      issue(field, `${value} is below ${param}'s API minimum ${range.min}`);
      valid = false;
    } else if (range.max !== undefined && value > range.max) {
      issue(field, `${value} is above ${param}'s API maximum ${range.max}`);
      valid = false;
    }
  }
  if (!valid) return;

  const { min, max } = rule;
  if (min !== undefined && max !== undefined && min > max) {
    issue('min', `min ${min} is above max ${max}`);
    return;
  }
  const value = rule.default;
  if (typeof value === 'number') {
    if (min !== undefined && value < min) issue('default', `${value} is below min ${min}`);
    if (max !== undefined && value > max) issue('default', `${value} is above max ${max}`);
  }
}

export const Sampling = z
  .record(
    z.string().regex(PARAMETER_NAME, 'a parameter name is letters, digits and _'),
    SamplingRule,
  )
  .check((ctx) => {
    // A rule that already failed (a typo'd field, a wrong type) gets no second, confusing message.
    const failed = new Set(ctx.issues.map((issue) => issue.path?.[0]));
    for (const [param, rule] of Object.entries(ctx.value)) {
      if (failed.has(param)) continue;
      checkRule(param, rule, (path, message) => ctx.issues.push({ code: 'custom', input: rule, path, message }));
    }
  })
  .meta({ description: 'One rule per request parameter (temperature, top_p, ...).' });
export type Sampling = z.infer<typeof Sampling>;

export const OutOfRange = z
  .enum(['clamp', 'reject'])
  .meta({ description: 'clamp: move a value outside [min, max] to the nearest bound; reject: answer 400.' });

export const SystemMessage = z
  .strictObject({
    // A YAML `|` block ends in a newline: trailing white space is never part of the text.
    text: z
      .string()
      .transform((text) => text.trimEnd())
      .pipe(z.string().min(1, 'the system message is empty'))
      .meta({ description: 'The exact system message the model was trained with.' }),
    mode: z
      .enum(['prepend', 'replace', 'if_missing'])
      .default('prepend')
      .meta({ description: "prepend: first, client's own kept after it; replace: the only one; if_missing: only when the client sent none." }),
    role: z
      .enum(['system', 'developer'])
      .default('system')
      .meta({ description: 'The role the canonical message is sent with.' }),
  })
  .meta({ description: 'The canonical system message.' });
export type SystemMessage = z.output<typeof SystemMessage>;

// An arm name goes into headers and the store. A name that is a number alone ("1") would lose
// its place in file order: JavaScript objects list integer-like keys first, in numeric order.
const ARM_NAME = /^[a-z0-9_-]{1,64}$/;
const NUMBER_ALONE = /^\d+$/;
const EXPERIMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/;
const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** Where a unit may be read: a top-level string field, `metadata.KEY` or `header:NAME`. */
export const UNIT_FIELDS = ['safety_identifier', 'user', 'prompt_cache_key'] as const;
const STICKY_SOURCE = /^(?:safety_identifier|user|prompt_cache_key|metadata\.[A-Za-z0-9_.-]{1,64}|header:[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64})$/;
export const MAX_ARMS = 10;
/** Headers holding keys or sessions: a unit's digest is kept, so a credential is never a unit. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'api-key'].map((name) => `header:${name}`));

// Whether the name is defined is checked with upstreams.yaml (src/upstream/check-policies.ts).
const UpstreamName = z.string().regex(UPSTREAM_NAME, 'an upstream name is letters, digits, ".", "_" or "-"');

export const Arm = z
  .strictObject({
    weight: z.number().min(0, 'a weight is a number ≥ 0').meta({ description: 'Share of the traffic, relative to the other arms; 0: never drawn, only forced.' }),
    sampling: Sampling.optional().meta({ description: "A rule here replaces the policy's whole rule for that parameter." }),
    out_of_range: OutOfRange.optional(),
    system: SystemMessage.optional().meta({ description: "Replaces the policy's system message." }),
    upstream: UpstreamName.optional().meta({ description: "Replaces the policy's upstream: compare the same fine-tune served elsewhere." }),
  })
  .meta({ description: 'One variant of the policy; an arm with only a weight is the policy as written.' });
export type Arm = z.output<typeof Arm>;

export const Metric = z
  .strictObject({
    type: z.enum(['boolean', 'number']).meta({ description: 'boolean: a rate; number: a mean.' }),
    goal: z.enum(['max', 'min']).default('max').meta({ description: 'Which direction is better.' }),
  })
  .meta({ description: 'Feedback the application sends for a request (POST /_temperance/feedback).' });
export type Metric = z.output<typeof Metric>;

export const Experiment = z
  .strictObject({
    name: z
      .string()
      .regex(EXPERIMENT_NAME, 'an experiment name is letters, digits, ".", "_", "-" or "/" (at most 128)')
      .optional()
      .meta({ description: "Unique across the policy folder; default: the policy's name (NAME or NAME/PERSONA)." }),
    sticky: z
      .array(z
        .string()
        .regex(STICKY_SOURCE, `a sticky source is ${UNIT_FIELDS.join(', ')}, metadata.KEY or header:NAME`)
        .refine((source) => !CREDENTIAL_HEADERS.has(source.toLowerCase()), 'this header carries a credential: it cannot identify a unit (its digest would be kept)'))
      .min(1, 'sticky lists at least one source (leave it out for the default [safety_identifier, user])')
      .optional()
      .meta({ description: 'Where the unit (a caller\'s identity) is read, first non-empty wins. Default: [safety_identifier, user].' }),
    metrics: z
      .record(z.string().regex(METRIC_NAME, 'a metric name is a letter, then letters, digits and _ (at most 64)'), Metric)
      .optional()
      .meta({ description: 'The feedback the application will send.' }),
    arms: z
      .record(
        z
          .string()
          .regex(ARM_NAME, 'an arm name is lower-case letters, digits, "-" and "_" (at most 64)')
          .refine((name) => !NUMBER_ALONE.test(name), 'an arm name cannot be a number alone (it would lose its place in file order)'),
        Arm,
      )
      .meta({ description: 'The arms, in order; the first is the control.' }),
  })
  .superRefine((experiment, ctx) => {
    const weights = Object.values(experiment.arms).map((arm) => arm.weight);
    if (weights.length === 0) ctx.addIssue({ code: 'custom', path: ['arms'], message: 'an experiment needs at least one arm' });
    else if (weights.length > MAX_ARMS) ctx.addIssue({ code: 'custom', path: ['arms'], message: `${weights.length} arms: at most ${MAX_ARMS}` });
    else if (weights.every((weight) => weight === 0)) ctx.addIssue({ code: 'custom', path: ['arms'], message: 'every weight is 0: at least one arm needs a weight above 0' });
  })
  .meta({ description: 'Sampling arms compared on real traffic; each request is served by one arm.' });
export type Experiment = z.output<typeof Experiment>;

export const Persona = z
  .strictObject({
    sampling: Sampling.optional().meta({ description: "A rule here replaces the file's whole rule for that parameter." }),
    out_of_range: OutOfRange.optional(),
    system: SystemMessage.optional().meta({ description: "Replaces the file's system message." }),
    experiment: Experiment.optional().meta({ description: "The persona's own experiment (the file's does not apply to it)." }),
    upstream: UpstreamName.optional().meta({ description: "Replaces the file's upstream: where this persona's requests go." }),
  })
  .meta({ description: 'One behaviour of a fine-tune trained on several; its name is a model name clients may send.' });
export type Persona = z.infer<typeof Persona>;

const PERSONA_NAME = /^[^/*\s]+$/;

export function isPattern(model: string): boolean {
  return model.includes('*');
}

export const PolicyFile = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'JSON Schema reference for editors.' }),
    model: z
      .string()
      .min(1, 'the model is empty')
      .meta({ description: 'The exact model id, or a pattern with * (a lone * is a catch-all).' }),
    aliases: z
      .array(z.string().min(1, 'an alias is empty'))
      .optional()
      .meta({ description: 'Names clients may send for this model (exact model only).' }),
    sampling: Sampling.optional(),
    out_of_range: OutOfRange.default('clamp'),
    system: SystemMessage.optional(),
    upstream: UpstreamName.optional().meta({ description: 'A named upstream from upstreams.yaml (default: openai, OPENAI_BASE_URL).' }),
    personas: z
      .record(z.string().regex(PERSONA_NAME, 'a persona name has no /, * or spaces'), Persona)
      .optional()
      .meta({ description: 'Behaviours of one fine-tune, each switched on by its own system message.' }),
    base: z
      .string()
      .min(1, 'the base is empty')
      .optional()
      .meta({ description: 'The base model (o4-mini, gpt-4o-mini-2024-07-18, …) when the model id does not reveal it (an alias on another server, a deployment name). What the base refuses is removed from requests; a rule for it is an error.' }),
    experiment: Experiment.optional().meta({ description: "Sampling arms for the file's model and aliases (or pattern)." }),
  })
  .superRefine((file, ctx) => {
    const pattern = isPattern(file.model);
    if (pattern && file.aliases !== undefined && file.aliases.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['aliases'], message: 'aliases need an exact model, not a pattern' });
    }
    if (pattern && file.personas !== undefined && Object.keys(file.personas).length > 0) {
      ctx.addIssue({ code: 'custom', path: ['personas'], message: 'personas need an exact model, not a pattern' });
    }
    const seen = new Set([file.model]);
    (file.aliases ?? []).forEach((alias, index) => {
      if (seen.has(alias)) {
        ctx.addIssue({ code: 'custom', path: ['aliases', index], message: `"${alias}" is already the model or another alias` });
      } else if (isPattern(alias)) {
        ctx.addIssue({ code: 'custom', path: ['aliases', index], message: `"${alias}": an alias is an exact name, without *` });
      }
      seen.add(alias);
    });
    for (const name of Object.keys(file.personas ?? {})) {
      if (seen.has(name)) {
        ctx.addIssue({ code: 'custom', path: ['personas', name], message: `"${name}" is already the model or an alias` });
      }
    }
    // Contract §7: no rule for what the base model refuses (src/catalog/validate.ts).
    for (const problem of baseProblems(file)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  })
  .meta({ title: 'temperance policy', description: 'The sampling policy of one fine-tuned model or model family.' });
export type PolicyFile = z.output<typeof PolicyFile>;
