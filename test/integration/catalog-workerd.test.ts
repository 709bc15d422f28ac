import { describe } from 'vitest';
import { workerdRuntime } from '../support/runtimes.ts';
import { defineCatalogCases } from './catalog.cases.ts';

describe('base models on workerd', () => defineCatalogCases(workerdRuntime));
