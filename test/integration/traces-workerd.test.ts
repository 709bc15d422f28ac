import { describe } from 'vitest';
import { workerdRuntime } from '../support/runtimes.ts';
import { defineTraceCases } from './traces.cases.ts';

describe('traces on workerd', () => defineTraceCases(workerdRuntime));
