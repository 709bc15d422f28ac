import { describe } from 'vitest';
import { nodeRuntime } from '../support/runtimes.ts';
import { defineCatalogCases } from './catalog.cases.ts';

describe('base models on Node', () => defineCatalogCases(nodeRuntime));
