import { afterAll, describe } from 'vitest';
import { nodeRuntime } from '../support/runtimes.ts';
import { defineGatewayCases } from './gateway.cases.ts';
import { defineFaultCases } from './faults.cases.ts';
import { defineHostileCases } from './hostile.cases.ts';
import { defineLogCases } from './logs.cases.ts';
import { defineRouteCases } from './routes.cases.ts';
import { defineExperimentCases } from './experiments.cases.ts';
import { defineUpstreamConfigCases, defineUpstreamCases } from './upstreams.cases.ts';

describe('the gateway on Node', () => defineGatewayCases(nodeRuntime));
describe('responses and completions on Node', () => defineRouteCases(nodeRuntime));
describe('logs and leaks on Node', () => defineLogCases(nodeRuntime));
describe('experiments on Node', () => defineExperimentCases(nodeRuntime));
describe('hostile input on Node', () => defineHostileCases(nodeRuntime, { size: 1024 * 1024, rounds: 15 }));
describe('named upstreams on Node', () => defineUpstreamCases(nodeRuntime));
describe('upstream configuration on Node', () => defineUpstreamConfigCases(nodeRuntime));

const abortLatency = new Map<string, number>();
describe('faults on Node', () => defineFaultCases(nodeRuntime, abortLatency));
afterAll(() => {
  // The measured hang-up → upstream-closed latencies, for the record (no timing is asserted tighter than the tests do).
  for (const [name, ms] of abortLatency) console.log(`abort latency ${name}: ${ms.toFixed(1)} ms`);
});
