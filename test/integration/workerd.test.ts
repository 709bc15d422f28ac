import { describe } from 'vitest';
import { workerdRuntime } from '../support/runtimes.ts';
import { defineGatewayCases } from './gateway.cases.ts';
import { defineRouteCases } from './routes.cases.ts';

describe('the gateway on workerd', () => defineGatewayCases(workerdRuntime));
describe('responses and completions on workerd', () => defineRouteCases(workerdRuntime));
