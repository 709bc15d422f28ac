import { describe } from 'vitest';
import { workerdRuntime } from '../support/runtimes.ts';
import { workerdD1Runtime } from '../support/store-runtimes.ts';
import { defineNoStoreCases, defineOutcomeCases } from './outcomes.cases.ts';

describe('outcomes on workerd (D1)', () => defineOutcomeCases(workerdD1Runtime));
describe('outcomes on workerd without a store', () => defineNoStoreCases(workerdRuntime));
