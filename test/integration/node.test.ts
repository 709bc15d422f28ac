import { describe } from 'vitest';
import { nodeRuntime } from '../support/runtimes.ts';
import { defineGatewayCases } from './gateway.cases.ts';
import { defineRouteCases } from './routes.cases.ts';

describe('the gateway on Node', () => defineGatewayCases(nodeRuntime));
describe('responses and completions on Node', () => defineRouteCases(nodeRuntime));
