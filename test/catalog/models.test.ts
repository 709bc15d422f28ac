// The catalog is reviewed data: every family cites where it comes from, with the date it was
// read, and at least one of its sources is OpenAI's own page.
import { describe, expect, it } from 'vitest';
import { MODEL_CATALOG } from '../../src/catalog/models.ts';

const families = Object.entries(MODEL_CATALOG);

describe('the catalog', () => {
  it('covers the families that can be fine-tuned or are served', () => {
    for (const name of ['gpt-3.5-turbo', 'gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'o1', 'o3', 'o3-mini', 'o4-mini', 'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-5.1', 'gpt-5.2', 'gpt-5.4', 'gpt-5.5', 'gpt-5.6']) {
      expect(MODEL_CATALOG, name).toHaveProperty([name]);
    }
  });

  it.each(families)('%s cites its sources, each with a URL, the date it was read and what it says', (_name, family) => {
    expect(family.sources.length).toBeGreaterThan(0);
    for (const source of family.sources) {
      expect(source.url).toMatch(/^https:\/\/[^\s]+$/);
      expect(source.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Number.isNaN(Date.parse(source.read))).toBe(false);
      expect(source.says.length).toBeGreaterThan(20);
    }
    expect(family.sources.some((source) => new URL(source.url).hostname.endsWith('openai.com')), 'an OpenAI page among the sources').toBe(true);
  });

  it('every conditional refusal has a default effort to judge a request that names none', () => {
    for (const [name, family] of families) {
      const conditional = Object.values(family.routes).some((rules) => (rules.refuses ?? []).some((refusal) => 'unlessEffort' in refusal));
      if (conditional) expect('defaultEffort' in family, name).toBe(true);
    }
  });
});
