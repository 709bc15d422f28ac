// The gateway's settings, parsed once per process or isolate. The same names on Workers
// vars/secrets and the Node environment; nothing else reads env. Errors name the setting,
// never its value (it may be a key).
import * as z from 'zod';
import type { UpstreamsFile } from './upstream/schema.ts';
import { buildUpstreamSet, type UpstreamSet } from './upstream/upstream-set.ts';

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
const UPSTREAMS_FILE_DEFAULT = './upstreams.yaml';

// An empty value counts as unset (as t3-env's emptyStringAsUndefined). Workers vars may be
// JSON numbers or booleans in wrangler.toml: they read as their text.
const unsetIfEmpty = (value: unknown) =>
  value === '' ? undefined : typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema.optional());

const bool = (fallback: boolean) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .enum(['true', 'false', '1', '0'], { error: 'must be true, false, 1 or 0' })
      .optional()
      .transform((value) => (value === undefined ? fallback : value === 'true' || value === '1')),
  );

const integer = (fallback: number, min: number, max: number) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .string({ error: 'must be a whole number' })
      .regex(/^\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .optional()
      .transform((value) => value ?? fallback),
  );

const keyList = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .optional()
    .transform((value) => (value ?? '').split(',').map((key) => key.trim()).filter((key) => key !== '')),
);

const baseUrl = z.preprocess(
  unsetIfEmpty,
  z
    .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
    .optional()
    .transform((value) => (value ?? DEFAULT_BASE_URL).replace(/\/+$/, '')),
);

export const ConfigSchema = z
  .object({
    OPENAI_BASE_URL: baseUrl,
    OPENAI_API_KEY: optional(z.string()),
    GATEWAY_API_KEYS: keyList,
    UNLISTED_MODELS: z.preprocess(unsetIfEmpty, z.enum(['pass', 'reject'], { error: 'must be pass or reject' }).default('pass')),
    // 0 lets the system pick a free port (tests, side-by-side runs).
    PORT: integer(8787, 0, 65535),
    HOST: z.preprocess(unsetIfEmpty, z.string().default('127.0.0.1')),
    POLICIES_DIR: z.preprocess(unsetIfEmpty, z.string().default('./policies')),
    // Node only: the Worker gets upstreams.yaml compiled in (contract §8).
    UPSTREAMS_FILE: z.preprocess(unsetIfEmpty, z.string().default(UPSTREAMS_FILE_DEFAULT)),
    ALLOW_ANONYMOUS: bool(false),
    MAX_BODY_BYTES: integer(16 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER),
    UPSTREAM_TIMEOUT_MS: integer(600_000, 1, 2_147_483_647),
    // A stream with no byte for this long is ended with an error event (reasoning models can
    // think for minutes before the first token: keep it generous).
    UPSTREAM_IDLE_TIMEOUT_MS: integer(300_000, 1, 2_147_483_647),
    UPSTREAM_RETRIES: integer(0, 0, 5),
    UPSTREAM_RETRY_MAX_DELAY_MS: integer(10_000, 0, 120_000),
    OTEL_EXPORTER_OTLP_ENDPOINT: optional(z.url({ protocol: /^https?$/, error: 'must be an http or https URL' })),
    OTEL_EXPORTER_OTLP_HEADERS: optional(z.string()),
    OTEL_SERVICE_NAME: z.preprocess(unsetIfEmpty, z.string().default('temperance')),
    OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: bool(false),
    // The standard name; Node only (a Worker exports its metrics after each request).
    OTEL_METRIC_EXPORT_INTERVAL: integer(60_000, 100, 2_147_483_647),
    ADMIN_API_KEY: optional(z.string()),
    // The store (contract section 9). Node: a SQLite file path, postgres://…, or off. Workers
    // use the DB binding and ignore this.
    TEMPERANCE_DB: z.preprocess(unsetIfEmpty, z.string().default('.temperance/temperance.db')),
    EXPERIMENT_RETENTION_DAYS: integer(90, 1, 36_500),
    // Contract §7: off → nothing is removed or renamed for a model's base. Booleans read too.
    MODEL_CATALOG: z.preprocess(
      unsetIfEmpty,
      z
        .enum(['on', 'off', 'true', 'false', '1', '0'], { error: 'must be on or off' })
        .optional()
        .transform((value) => value === undefined || value === 'on' || value === 'true' || value === '1'),
    ),
  })
  .superRefine((env, ctx) => {
    // GATEWAY_API_KEYS without OPENAI_API_KEY depends on upstreams.yaml: see credentialErrors.
    if (env.OPENAI_API_KEY !== undefined && env.GATEWAY_API_KEYS.length === 0 && !env.ALLOW_ANONYMOUS) {
      ctx.addIssue({
        code: 'custom',
        path: ['OPENAI_API_KEY'],
        message: 'is set but GATEWAY_API_KEYS is not: anyone could spend your key through the gateway. Set GATEWAY_API_KEYS, or ALLOW_ANONYMOUS=true to allow it',
      });
    }
  });

/** The settings, and the upstreams they and upstreams.yaml define (keys read by variable name). */
export type Config = z.output<typeof ConfigSchema> & { upstreams: UpstreamSet };

type EnvSettings = z.output<typeof ConfigSchema>;
type UpstreamKey = { variable: string; upstream: string; key: string | undefined };

/** Each named upstream's key, read by the variable its definition names. */
function readUpstreamKeys(env: Record<string, unknown>, upstreams: UpstreamsFile): UpstreamKey[] {
  return Object.entries(upstreams).flatMap(([upstream, definition]) => {
    const variable = definition.api_key_env;
    if (variable === undefined) return [];
    const value = unsetIfEmpty(env[variable]);
    return [{ variable, upstream, key: typeof value === 'string' ? value : undefined }];
  });
}

/** Who may spend which key: no key may be usable by anyone, no gateway key may go upstream. */
function credentialErrors(env: EnvSettings, keys: readonly UpstreamKey[]): string[] {
  const errors: string[] = [];
  const anonymousAllowed = env.ALLOW_ANONYMOUS;
  const noGatewayKeys = env.GATEWAY_API_KEYS.length === 0;
  if (!noGatewayKeys && env.OPENAI_API_KEY === undefined && keys.length === 0) {
    errors.push("GATEWAY_API_KEYS: needs OPENAI_API_KEY: without it each client's own key goes upstream, so gateway keys would be forwarded to OpenAI");
  }
  for (const { variable, upstream, key } of keys) {
    if (key !== undefined && noGatewayKeys && !anonymousAllowed) {
      errors.push(`${variable}: is the key of upstream ${upstream} but GATEWAY_API_KEYS is not set: anyone could spend it through the gateway. Set GATEWAY_API_KEYS, or ALLOW_ANONYMOUS=true to allow it`);
    }
  }
  return errors;
}

/**
 * Node only: where upstreams.yaml is, before the rest of the settings can be read (they need
 * it). `required`: UPSTREAMS_FILE names it, so a missing file is a mistake, not "openai alone".
 */
export function upstreamsFilePath(env: Record<string, unknown>): { path: string; required: boolean } {
  const value = unsetIfEmpty(env.UPSTREAMS_FILE);
  return typeof value === 'string' ? { path: value, required: true } : { path: UPSTREAMS_FILE_DEFAULT, required: false };
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** The environment's settings; `upstreams` (upstreams.yaml, validated) says which key variables to read too. */
export function parseConfig(env: Record<string, unknown>, upstreams: UpstreamsFile = {}): ConfigResult {
  const parsed = ConfigSchema.safeParse(env, {
    // zod's own messages for a wrong type: never quote the value.
    error: (issue) => (issue.code === 'invalid_type' ? `must be ${issue.expected === 'string' ? 'text' : issue.expected}` : undefined),
  });
  const keys = readUpstreamKeys(env, upstreams);
  // Reported with every other error: a missing key needs no other setting to be judged.
  const missing = keys.flatMap(({ variable, upstream, key }) => (key === undefined ? [`${variable}: is not set: it holds the key of upstream ${upstream} (upstreams.yaml)`] : []));
  if (!parsed.success) return { ok: false, errors: [...parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`), ...missing] };
  const settings = parsed.data;
  const errors = [...missing, ...credentialErrors(settings, keys)];
  if (errors.length > 0) return { ok: false, errors };
  const upstreamSet = buildUpstreamSet({
    openaiBaseUrl: settings.OPENAI_BASE_URL,
    openaiKey: settings.OPENAI_API_KEY,
    gatewayKeys: settings.GATEWAY_API_KEYS.length > 0,
    definitions: upstreams,
    keys: Object.fromEntries(keys.flatMap(({ variable, key }) => (key === undefined ? [] : [[variable, key]]))),
  });
  return { ok: true, config: { ...settings, upstreams: upstreamSet } };
}
