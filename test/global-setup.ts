// Compiles the fixture policies the Worker under test imports (the test harness does not run
// wrangler's [build] for this config), with the same script wrangler runs for policies/.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/compile-policies.ts', '--dir', 'test/fixtures/policies', '--upstreams', 'test/fixtures/upstreams.yaml', '--out', '.temperance/fixture-policies.json'], { stdio: 'inherit' });
}
