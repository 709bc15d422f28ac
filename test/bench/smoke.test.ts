// `npm run bench` in miniature: every path starts, answers every scenario without an error, and
// every row of the table is printed. No timing is asserted: that is what the benchmark is for.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { DIRECT, FLOOR, FLOOR_HONO, FLOOR_WORKERD, GATEWAY_NODE, GATEWAY_NODE_10K, GATEWAY_WORKERD, GATEWAY_WORKERD_DIRECT } from '../../bench/report.ts';
import { scenarios } from '../../bench/scenarios.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function runSmoke(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['scripts/bench.ts', '--smoke'], { cwd: root, timeout: 150_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
    });
  });
}

it('runs every path and scenario, and prints every row', { timeout: 180_000 }, async () => {
  const { code, stdout, stderr } = await runSmoke();
  expect(code, stderr).toBe(0);
  const rows = stdout.split('\n').filter((line) => line.startsWith('| '));
  const paths = [DIRECT, FLOOR, FLOOR_HONO, FLOOR_WORKERD, GATEWAY_NODE, GATEWAY_NODE_10K, GATEWAY_WORKERD, GATEWAY_WORKERD_DIRECT];
  for (const scenario of scenarios()) {
    const labels = scenario.streamed ? [`${scenario.label}: first token`, `${scenario.label}: last token`] : [scenario.label];
    for (const label of labels) {
      for (const path of paths) {
        const row = rows.find((line) => line.startsWith(`| ${label} `) && line.includes(` ${path} `));
        expect(row, `${label} / ${path}`).toBeDefined();
        // The last column counts failed requests.
        expect(row?.trim().split('|').at(-2)?.trim(), `${label} / ${path}`).toBe('0');
      }
    }
  }
  for (const path of paths.filter((name) => name !== DIRECT)) expect(rows.some((line) => line.startsWith(`| ${path} `)), `memory of ${path}`).toBe(true);
  for (const lookup of ['exact id, one model sent again and again', 'pattern, a new name each time', 'no policy, a new name each time']) {
    expect(rows.some((line) => line.startsWith(`| ${lookup} `)), lookup).toBe(true);
  }
  expect(stdout).toMatch(/^targets:$/m);
  expect(stdout).toMatch(/^ {2}(holds |MISSED) {2}temperance \(node\): CPU per small request/m);
  // Issues 11 and 12: the paired comparisons ran and gave a ratio each.
  expect(stdout).toMatch(/^ {2}(holds |MISSED) {2}temperance \(node, no store\): CPU per small request under an experiment ≤ 1\.05× the same policy without one: \d+\.\d{3}× \(median of \d+ paired batches/m);
  expect(stdout).toMatch(/^ {2}(holds |MISSED) {2}temperance \(node\): recording outcomes \(SQLite\) adds ≤ 5% CPU per request under an experiment: \d+\.\d{3}×/m);
});
