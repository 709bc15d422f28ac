// The report's ratios of added latency: only against a floor that adds something measurable.
import { expect, it } from 'vitest';
import { addedRatio, cellKey, DIRECT, FLOOR, GATEWAY_NODE, render, type Cell, type Results } from '../../bench/report.ts';

function cell(latencies: number[]): Cell {
  return { latencies, firstBytes: latencies, wallMs: 1000, requests: latencies.length, errors: 0, firstError: undefined, cpuMicros: 1000 };
}

function results(direct: number[], floor: number[], gateway: number[]): Results {
  return {
    scenarios: [{ id: 's', label: 'a stream', streamed: false }],
    targets: [DIRECT, FLOOR, GATEWAY_NODE],
    cells: new Map([[cellKey('s', DIRECT), cell(direct)], [cellKey('s', FLOOR), cell(floor)], [cellKey('s', GATEWAY_NODE), cell(gateway)]]),
    memory: new Map(),
    resolution: undefined,
    machine: 'test',
    rounds: 1,
    paired: [],
  };
}

it('divides by the floor only when the floor adds time to the direct path', () => {
  expect(addedRatio(results([1, 1, 1], [1.5, 1.5, 1.5], [2, 2, 2]), 's', GATEWAY_NODE, FLOOR)).toBeCloseTo(2);
  // The floor's p50 under the direct path's (the hop hidden in a long stream's own time): no ratio, not a negative one.
  const hidden = results([3, 3, 3], [2.9, 2.9, 2.9], [3.5, 3.5, 3.5]);
  expect(addedRatio(hidden, 's', GATEWAY_NODE, FLOOR)).toBeNaN();
  expect(render(hidden)).not.toMatch(/-\d+\.\d+×/);
  // A few hundredths of a millisecond is the noise of the direct path, not the floor's hop.
  expect(addedRatio(results([3, 3, 3], [3.02, 3.02, 3.02], [3.5, 3.5, 3.5]), 's', GATEWAY_NODE, FLOOR)).toBeNaN();
});
