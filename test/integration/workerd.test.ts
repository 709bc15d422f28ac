import { afterAll, describe } from 'vitest';
import { workerdRuntime } from '../support/runtimes.ts';
import { defineGatewayCases } from './gateway.cases.ts';
import { defineFaultCases } from './faults.cases.ts';
import { defineHostileCases } from './hostile.cases.ts';
import { defineLogCases } from './logs.cases.ts';
import { defineRouteCases } from './routes.cases.ts';
import { defineExperimentCases } from './experiments.cases.ts';
import { defineUpstreamConfigCases, defineUpstreamCases } from './upstreams.cases.ts';

describe('the gateway on workerd', () => defineGatewayCases(workerdRuntime));
describe('responses and completions on workerd', () => defineRouteCases(workerdRuntime));
describe('logs and leaks on workerd', () => defineLogCases(workerdRuntime));
describe('experiments on workerd', () => defineExperimentCases(workerdRuntime));
describe('hostile input on workerd', () => defineHostileCases(workerdRuntime, { size: 1024 * 1024, rounds: 15 }));
describe('named upstreams on workerd', () => defineUpstreamCases(workerdRuntime));
describe('upstream configuration on workerd', () => defineUpstreamConfigCases(workerdRuntime));

const abortLatency = new Map<string, number>();
describe('faults on workerd', () => defineFaultCases(workerdRuntime, abortLatency));
afterAll(() => {
  // The measured hang-up → upstream-closed latencies, for the record (no timing is asserted tighter than the tests do).
  for (const [name, ms] of abortLatency) console.log(`abort latency ${name}: ${ms.toFixed(1)} ms`);
});
