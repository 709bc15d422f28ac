// Validates a policy folder with upstreams.yaml and (unless --check) writes the compiled data the
// Worker imports. wrangler runs it as its [build] command; `npm run check` runs it with --check.
//   node scripts/compile-policies.ts [--dir policies] [--upstreams upstreams.yaml] [--out .temperance/policies.json] [--check]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { toCompiled } from '../src/policy/compiled.ts';
import { loadPolicies } from '../src/policy/load.ts';
import { readPolicyDir } from '../src/node/policy-dir.ts';
import { readUpstreamsFile } from '../src/node/upstreams-file.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: 'policies' },
    // No file: openai alone (the Worker still builds).
    upstreams: { type: 'string', default: 'upstreams.yaml' },
    out: { type: 'string', default: '.temperance/policies.json' },
    check: { type: 'boolean', default: false },
  },
});

const upstreams = await readUpstreamsFile(values.upstreams);
const read = await readPolicyDir(values.dir);
// An invalid upstreams.yaml shows its own errors, not every policy's upstream as unknown too.
const loaded = read.ok ? loadPolicies(read.sources, Math.floor(Date.now() / 1000), upstreams.ok ? upstreams.value : undefined) : read;
if (!upstreams.ok || !loaded.ok) {
  const errors = [...(upstreams.ok ? [] : upstreams.errors), ...(loaded.ok ? [] : loaded.errors)];
  console.error(`temperance: invalid policies:\n${errors.map((error) => `  ${error}`).join('\n')}`);
  process.exit(1);
}
const named = Object.keys(upstreams.value).length;
const count = loaded.value.files.length;
if (!values.check) {
  const text = `${JSON.stringify(toCompiled(loaded.value, upstreams.value), null, 2)}\n`;
  const previous = await readFile(values.out, 'utf8').catch(() => undefined);
  // The time of loading changes every run; rewrite only when the policies did, or wrangler
  // would see a changed module on every build.
  const same = previous !== undefined && previous.replace(/"loadedAt": \d+/, '') === text.replace(/"loadedAt": \d+/, '');
  if (!same) {
    await mkdir(dirname(values.out), { recursive: true });
    await writeFile(values.out, text);
  }
}
const upstreamNote = named === 0 ? '' : `, ${named} ${named === 1 ? 'upstream' : 'upstreams'} in ${values.upstreams}`;
console.log(`temperance: ${count} ${count === 1 ? 'policy' : 'policies'} in ${values.dir}${upstreamNote} valid${values.check ? '' : ` → ${values.out}`}`);
