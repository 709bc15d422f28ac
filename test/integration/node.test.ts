import { describe } from 'vitest';
import { nodeRuntime } from '../support/runtimes.ts';
import { defineGatewayCases } from './gateway.cases.ts';

describe('the gateway on Node', () => defineGatewayCases(nodeRuntime));
