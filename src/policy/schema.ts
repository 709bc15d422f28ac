// The only place a policy file's shape is written. Types are inferred from these schemas;
// `schema/policy.schema.json` is generated from them for editors.
import { z } from 'zod';
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

// Whether the name is defined is checked with upstreams.yaml (src/upstream/check-policies.ts).
const UpstreamName = z.string().regex(UPSTREAM_NAME, 'an upstream name is letters, digits, ".", "_" or "-"');

export const Persona = z
  .strictObject({
    sampling: Sampling.optional().meta({ description: "A rule here replaces the file's whole rule for that parameter." }),
    out_of_range: OutOfRange.optional(),
    system: SystemMessage.optional().meta({ description: "Replaces the file's system message." }),
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
