import { describe } from 'vitest';
import { nodeRuntime } from '../support/runtimes.ts';
import { defineTraceCases } from './traces.cases.ts';

describe('traces on Node', () => defineTraceCases(nodeRuntime));
