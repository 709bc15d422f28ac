import { describe } from 'vitest';
import { nodeRuntime } from '../support/runtimes.ts';
import { nodeSqliteRuntime } from '../support/store-runtimes.ts';
import { defineNoStoreCases, defineOutcomeCases } from './outcomes.cases.ts';

describe('outcomes on Node (SQLite)', () => defineOutcomeCases(nodeSqliteRuntime));
describe('outcomes on Node without a store', () => defineNoStoreCases(nodeRuntime));
