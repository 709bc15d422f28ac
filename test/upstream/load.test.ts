// upstreams.yaml: every schema error reads `file: field: problem`, and policies naming an
// upstream are checked against it.
import { describe, expect, it } from 'vitest';
import { fromCompiled, toCompiled, upstreamsFromCompiled } from '../../src/policy/compiled.ts';
import { loadPolicies } from '../../src/policy/load.ts';
import { parseUpstreamsFile } from '../../src/upstream/load.ts';

function errors(text: string): string[] {
  const result = parseUpstreamsFile({ path: 'upstreams.yaml', text });
  return result.ok ? [] : result.errors;
}

describe('parseUpstreamsFile', () => {
  it('reads upstreams in file order, with bearer as the default auth and no trailing slash', () => {
    const result = parseUpstreamsFile({ path: 'upstreams.yaml', text: [
      'azure-east:',
      '  base_url: https://acme-east.openai.azure.com/openai/v1/',
      '  api_key_env: AZURE_EAST_API_KEY',
      '  auth: api-key',
      'vllm:',
      '  base_url: http://127.0.0.1:8000/v1',
    ].join('\n') });
    expect(result).toEqual({ ok: true, value: {
      'azure-east': { base_url: 'https://acme-east.openai.azure.com/openai/v1', api_key_env: 'AZURE_EAST_API_KEY', auth: 'api-key' },
      vllm: { base_url: 'http://127.0.0.1:8000/v1', auth: 'bearer' },
    } });
    expect(Object.keys(result.ok ? result.value : {})).toEqual(['azure-east', 'vllm']);
  });

  it('takes an empty file, or one of comments only (the shipped example), as no upstream', () => {
    expect(parseUpstreamsFile({ path: 'upstreams.yaml', text: '' })).toEqual({ ok: true, value: {} });
    expect(parseUpstreamsFile({ path: 'upstreams.yaml', text: '# vllm:\n#   base_url: http://x/v1\n' })).toEqual({ ok: true, value: {} });
  });

  it.each([
    ['vllm:\n  base_ulr: http://x/v1\n', ['upstreams.yaml: vllm.base_url: is required', 'upstreams.yaml: vllm: unknown field "base_ulr"']],
    ['vllm:\n  base_url: ftp://x/v1\n', ['upstreams.yaml: vllm.base_url: must be an http or https URL']],
    ['vllm:\n  base_url: not a url\n', ['upstreams.yaml: vllm.base_url: must be an http or https URL']],
    ['vllm:\n  base_url: https://me:sk-SECRET@x/v1\n', ['upstreams.yaml: vllm.base_url: must not hold a user or password: give the key by api_key_env']],
    ['az:\n  base_url: https://x/openai/v1?api-version=2024-10-21\n', ['upstreams.yaml: az.base_url: must not have a query or fragment: the route is appended to it']],
    ['az:\n  base_url: https://x/openai/v1\n  auth: api-key\n', ['upstreams.yaml: az.api_key_env: auth: api-key needs api_key_env (the variable holding the key)']],
    ['az:\n  base_url: https://x/v1\n  auth: basic\n  api_key_env: K\n', ['upstreams.yaml: az.auth: must be "bearer" or "api-key"']],
    ['az:\n  base_url: https://x/v1\n  api_key_env: 1KEY\n', ['upstreams.yaml: az.api_key_env: a variable name is letters, digits and _, not starting with a digit']],
    ['az:\n  base_url: https://x/v1\n  api_key_env: sk-abc123\n', ['upstreams.yaml: az.api_key_env: a variable name is letters, digits and _, not starting with a digit']],
    ['openai:\n  base_url: https://x/v1\n', ['upstreams.yaml: openai: openai is always OPENAI_BASE_URL with OPENAI_API_KEY: set those, or give this upstream another name']],
    ['"a b":\n  base_url: https://x/v1\n', ['upstreams.yaml: a b: an upstream name is letters, digits, ".", "_" or "-"']],
    ['vllm: http://x/v1\n', ['upstreams.yaml: vllm: expected object, got string "http://x/v1"']],
    ['- vllm\n', ['upstreams.yaml: expected record, got a list']],
    ['vllm: [\n', ['upstreams.yaml: cannot be read as YAML: Flow sequence in block collection must be sufficiently indented and end with a ]']],
  ])('%j → %j', (text, expected) => {
    expect(errors(text)).toEqual(expected);
  });
});

describe('policies naming upstreams', () => {
  const upstreams = { vllm: { base_url: 'http://x/v1', auth: 'bearer' as const } };
  const sources = [
    { path: 'policies/lora.yaml', text: 'model: sql-lora\nupstream: vllm\npersonas:\n  strict: { upstream: openai }\n  far: { upstream: azure }\n' },
    { path: 'policies/other.yaml', text: 'model: other\nupstream: vlm\n' },
  ];

  it('names the file, the field and the upstreams that exist', () => {
    const result = loadPolicies(sources, 0, upstreams);
    expect(result.ok ? [] : result.errors).toEqual([
      'policies/lora.yaml: personas.far.upstream: "azure" is not an upstream of upstreams.yaml (defined: openai, vllm)',
      'policies/other.yaml: upstream: "vlm" is not an upstream of upstreams.yaml (defined: openai, vllm)',
    ]);
  });

  it('checks the upstream an experiment arm names, in a file and in a persona', () => {
    const result = loadPolicies([
      { path: 'policies/ab.yaml', text: 'model: ab\nexperiment:\n  arms:\n    control: { weight: 1 }\n    lora: { weight: 1, upstream: vllm }\n    far: { weight: 1, upstream: azur }\npersonas:\n  p:\n    experiment: { arms: { a: { weight: 1, upstream: nowhere } } }\n' },
    ], 0, upstreams);
    expect(result.ok ? [] : result.errors).toEqual([
      'policies/ab.yaml: experiment.arms.far.upstream: "azur" is not an upstream of upstreams.yaml (defined: openai, vllm)',
      'policies/ab.yaml: personas.p.experiment.arms.a.upstream: "nowhere" is not an upstream of upstreams.yaml (defined: openai, vllm)',
    ]);
  });

  it('gives each policy its upstream, openai by default, a persona inheriting its file\'s unless it names its own', () => {
    const result = loadPolicies([
      { path: 'policies/lora.yaml', text: 'model: sql-lora\nupstream: vllm\npersonas:\n  same: { system: { text: "Be strict." } }\n  back: { upstream: openai }\n' },
      { path: 'policies/plain.yaml', text: 'model: plain\n' },
    ], 0, upstreams);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(Object.fromEntries(result.value.policies.map((policy) => [policy.name, policy.upstream]))).toEqual({
      lora: 'vllm', 'lora/same': 'vllm', 'lora/back': 'openai', plain: 'openai',
    });
  });

  it('checks the name\'s shape even without upstreams.yaml at hand', () => {
    const result = loadPolicies([{ path: 'policies/p.yaml', text: 'model: m\nupstream: "a b"\n' }], 0);
    expect(result.ok ? [] : result.errors).toEqual(['policies/p.yaml: upstream: an upstream name is letters, digits, ".", "_" or "-"']);
  });
});

describe('the compiled data the Worker imports', () => {
  const files = [{ path: 'policies/lora.yaml', text: 'model: sql-lora\nupstream: vllm\n' }];
  const upstreams = { vllm: { base_url: 'http://127.0.0.1:8000/v1', auth: 'bearer' as const } };

  it('carries upstreams.yaml beside the policies, and reads both back', () => {
    const loaded = loadPolicies(files, 7, upstreams);
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const data: unknown = JSON.parse(JSON.stringify(toCompiled(loaded.value, upstreams)));
    expect(upstreamsFromCompiled(data)).toEqual({ ok: true, value: upstreams });
    const set = fromCompiled(data);
    expect(set.ok && set.value.policies.map((policy) => policy.upstream)).toEqual(['vllm']);
  });

  it('refuses policies naming an upstream the compiled data lacks, and reads old data (no upstreams) as openai alone', () => {
    const loaded = loadPolicies(files, 7, upstreams);
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const { upstreams: _dropped, ...withoutUpstreams } = toCompiled(loaded.value, upstreams);
    expect(fromCompiled(withoutUpstreams)).toEqual({ ok: false, errors: ['policies/lora.yaml: upstream: "vllm" is not an upstream of upstreams.yaml (defined: openai)'] });
    expect(upstreamsFromCompiled(withoutUpstreams)).toEqual({ ok: true, value: {} });
  });
});
