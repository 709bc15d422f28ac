import { describe } from 'vitest';
import { workerdRuntime } from '../support/runtimes.ts';
import { defineGatewayCases } from './gateway.cases.ts';

describe('the gateway on workerd', () => defineGatewayCases(workerdRuntime));
