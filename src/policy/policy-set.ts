// Validated policy files → the policies the gateway serves: one per file and one per persona,
// with every exact name, alias and pattern claimed by exactly one of them.
import { isPattern, type PolicyFile, type Sampling, type SystemMessage } from './schema.ts';
import { createResolver, type Resolution } from './resolve.ts';
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
  /** The file's `base:`, when it states the base model its id does not reveal (contract §7). */
  base: string | undefined;
  /** Where its requests go: a name from upstreams.yaml, or `openai`. Inherited like `system`. */
  upstream: string;
};

export type PolicySet = {
  readonly files: readonly LoadedFile[];
  readonly policies: readonly Policy[];
  /** Unix seconds: the `created` of alias entries in GET /v1/models. */
  readonly loadedAt: number;
  resolve(model: string): Resolution | null;
};

type BuildResult = { ok: true; value: PolicySet } | { ok: false; errors: string[] };

function personaPolicies(file: LoadedFile, base: Policy): Policy[] {
  return Object.entries(file.policy.personas ?? {}).map(([persona, rules]) => ({
    ...base,
    name: `${file.name}/${persona}`,
    // A persona's rule for a parameter replaces the file's whole rule for it.
    sampling: { ...base.sampling, ...rules.sampling },
    outOfRange: rules.out_of_range ?? base.outOfRange,
    system: rules.system ?? base.system,
    upstream: rules.upstream ?? base.upstream,
    aliases: [persona],
  }));
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
    const base: Policy = {
      name: file.name,
      path: file.path,
      model: data.model,
      pattern: isPattern(data.model),
      sampling: data.sampling ?? {},
      outOfRange: data.out_of_range,
      system: data.system,
      aliases: data.aliases ?? [],
      base: data.base,
      upstream: data.upstream ?? OPENAI_UPSTREAM,
    };
    policies.push(base);
    claim(data.model, file, 'model', { policy: base, via: base.pattern ? 'pattern' : 'exact' });
    for (const alias of base.aliases) claim(alias, file, 'aliases', { policy: base, via: 'alias' });
    for (const persona of personaPolicies(file, base)) {
      policies.push(persona);
      for (const name of persona.aliases) claim(name, file, `personas.${name}`, { policy: persona, via: 'persona' });
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const resolve = createResolver(exact, policies.filter((policy) => policy.pattern));
  return { ok: true, value: { files, policies, loadedAt, resolve } };
}
