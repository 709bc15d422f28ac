// Settings: defaults, parsing, the key rules, and errors that never show a value.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.ts';

function errors(env: Record<string, unknown>): string[] {
  const result = parseConfig(env);
  return result.ok ? [] : result.errors;
}

describe('parseConfig', () => {
  it('has the documented defaults', () => {
    expect(parseConfig({})).toEqual({
      ok: true,
      config: {
        OPENAI_BASE_URL: 'https://api.openai.com/v1', OPENAI_API_KEY: undefined, GATEWAY_API_KEYS: [], UNLISTED_MODELS: 'pass',
        PORT: 8787, HOST: '127.0.0.1', POLICIES_DIR: './policies', UPSTREAMS_FILE: './upstreams.yaml', ALLOW_ANONYMOUS: false, MAX_BODY_BYTES: 16_777_216,
        UPSTREAM_TIMEOUT_MS: 600_000, UPSTREAM_IDLE_TIMEOUT_MS: 300_000, UPSTREAM_RETRIES: 0, UPSTREAM_RETRY_MAX_DELAY_MS: 10_000, OTEL_EXPORTER_OTLP_ENDPOINT: undefined, OTEL_EXPORTER_OTLP_HEADERS: undefined,
        OTEL_SERVICE_NAME: 'temperance', OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: false, OTEL_METRIC_EXPORT_INTERVAL: 60_000, ADMIN_API_KEY: undefined,
        MODEL_CATALOG: true, TEMPERANCE_DB: '.temperance/temperance.db', EXPERIMENT_RETENTION_DAYS: 90,
        // openai alone, and without a key of its own the client's key is its credential.
        upstreams: expect.objectContaining({ all: [expect.objectContaining({ name: 'openai', host: 'api.openai.com', credential: { kind: 'client' } })] }),
      },
    });
  });

  it('reads the store settings: a path, postgres://… or off, and a whole number of retention days', () => {
    const result = parseConfig({ TEMPERANCE_DB: 'postgres://u:p@db:5432/t', EXPERIMENT_RETENTION_DAYS: '30' });
    expect(result.ok && result.config).toMatchObject({ TEMPERANCE_DB: 'postgres://u:p@db:5432/t', EXPERIMENT_RETENTION_DAYS: 30 });
    expect(parseConfig({ EXPERIMENT_RETENTION_DAYS: '0' })).toEqual({ ok: false, errors: ['EXPERIMENT_RETENTION_DAYS: must be at least 1'] });
    expect(parseConfig({ EXPERIMENT_RETENTION_DAYS: 'soon' })).toEqual({ ok: false, errors: ['EXPERIMENT_RETENTION_DAYS: must be a whole number'] });
  });

  it('treats empty values as unset, and ignores variables that are not its own', () => {
    const result = parseConfig({ OPENAI_BASE_URL: '', PORT: '', OPENAI_API_KEY: '', PATH: '/usr/bin' });
    expect(result.ok && result.config).toMatchObject({ OPENAI_BASE_URL: 'https://api.openai.com/v1', PORT: 8787, OPENAI_API_KEY: undefined });
    expect(result.ok && Object.keys(result.config)).not.toContain('PATH');
  });

  it('parses values: trailing slashes, key lists, booleans, numbers (also as Workers JSON vars)', () => {
    const result = parseConfig({
      OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1/', OPENAI_API_KEY: 'sk-up', GATEWAY_API_KEYS: ' a, b ,,c ', UNLISTED_MODELS: 'reject',
      PORT: '9000', MAX_BODY_BYTES: 1024, UPSTREAM_TIMEOUT_MS: '5000', OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: '1', ALLOW_ANONYMOUS: false,
    });
    expect(result.ok && result.config).toMatchObject({
      OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1', GATEWAY_API_KEYS: ['a', 'b', 'c'], UNLISTED_MODELS: 'reject', PORT: 9000,
      MAX_BODY_BYTES: 1024, UPSTREAM_TIMEOUT_MS: 5000, OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: true, ALLOW_ANONYMOUS: false,
    });
  });

  it.each([
    [{ PORT: '80a' }, 'PORT: must be a whole number'],
    [{ PORT: '70000' }, 'PORT: must be at most 65535'],
    [{ MAX_BODY_BYTES: '0' }, 'MAX_BODY_BYTES: must be at least 1'],
    [{ UPSTREAM_TIMEOUT_MS: '-5' }, 'UPSTREAM_TIMEOUT_MS: must be a whole number'],
    [{ UPSTREAM_RETRIES: '6' }, 'UPSTREAM_RETRIES: must be at most 5'],
    [{ UNLISTED_MODELS: 'block' }, 'UNLISTED_MODELS: must be pass or reject'],
    [{ ALLOW_ANONYMOUS: 'yes' }, 'ALLOW_ANONYMOUS: must be true, false, 1 or 0'],
    [{ OPENAI_BASE_URL: 'ftp://x' }, 'OPENAI_BASE_URL: must be an http or https URL'],
    [{ OPENAI_BASE_URL: 'not a url' }, 'OPENAI_BASE_URL: must be an http or https URL'],
    [{ GATEWAY_API_KEYS: 'gw-1' }, "GATEWAY_API_KEYS: needs OPENAI_API_KEY: without it each client's own key goes upstream, so gateway keys would be forwarded to OpenAI"],
    [{ OPENAI_API_KEY: 'sk-up' }, 'OPENAI_API_KEY: is set but GATEWAY_API_KEYS is not: anyone could spend your key through the gateway. Set GATEWAY_API_KEYS, or ALLOW_ANONYMOUS=true to allow it'],
  ])('%j → %s', (env, message) => {
    expect(errors(env)).toEqual([message]);
  });

  it('accepts OPENAI_API_KEY without gateway keys when ALLOW_ANONYMOUS is true', () => {
    expect(parseConfig({ OPENAI_API_KEY: 'sk-up', ALLOW_ANONYMOUS: 'true' }).ok).toBe(true);
  });

  it('never puts a value in an error message', () => {
    const secret = 'sk-proj-SECRET-VALUE-123';
    const all = errors({ OPENAI_API_KEY: secret, GATEWAY_API_KEYS: '', OPENAI_BASE_URL: secret, PORT: secret, ADMIN_API_KEY: 7, ALLOW_ANONYMOUS: secret });
    expect(all.length).toBeGreaterThan(2);
    expect(all.join('\n')).not.toContain('SECRET');
  });
});
