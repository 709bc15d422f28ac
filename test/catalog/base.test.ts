import { describe, expect, it } from 'vitest';
import { baseIdOf, resolveBase } from '../../src/catalog/base.ts';

describe('base resolution', () => {
  it.each([
    ['ft:o4-mini-2025-04-16:acme:triage:4kL', 'o4-mini-2025-04-16', 'o4-mini'],
    ['ft:gpt-4o-mini-2024-07-18:acme:9xYzAbC', 'gpt-4o-mini-2024-07-18', 'gpt-4o-mini'],
    ['ft:gpt-4o-2024-08-06:acme::AbC', 'gpt-4o-2024-08-06', 'gpt-4o'],
    ['ft:gpt-3.5-turbo-0125:acme:support:1', 'gpt-3.5-turbo-0125', 'gpt-3.5-turbo'],
    ['ft:gpt-4.1-nano-2025-04-14:acme:x:1', 'gpt-4.1-nano-2025-04-14', 'gpt-4.1-nano'],
    ['o4-mini-2025-04-16', 'o4-mini-2025-04-16', 'o4-mini'],
    ['o1-mini-2024-09-12', 'o1-mini-2024-09-12', 'o1-mini'],
    ['o1', 'o1', 'o1'],
    ['gpt-5-chat-latest', 'gpt-5-chat-latest', 'gpt-5-chat'],
    ['gpt-5-2025-08-07', 'gpt-5-2025-08-07', 'gpt-5'],
    ['gpt-5-pro', 'gpt-5-pro', 'gpt-5'],
    ['gpt-5.1-2025-11-13', 'gpt-5.1-2025-11-13', 'gpt-5.1'],
    ['gpt-5.1-codex-max', 'gpt-5.1-codex-max', 'gpt-5.1-codex'],
    ['gpt-5.4-mini', 'gpt-5.4-mini', 'gpt-5.4'],
    ['gpt-5.6-sol', 'gpt-5.6-sol', 'gpt-5.6'],
  ])('%s → base %s, family %s', (model, id, family) => {
    expect(resolveBase(model)).toMatchObject({ id, family });
  });

  it('matches a family only at a boundary: gpt-5.4 is not gpt-5, o10 is not o1', () => {
    expect(resolveBase('gpt-5.7')).toMatchObject({ id: 'gpt-5.7', family: undefined });
    expect(resolveBase('o10-mini')?.family).toBeUndefined();
    expect(resolveBase('gpt-4o2')?.family).toBeUndefined();
  });

  it('an unknown id is its own base and inherits nothing', () => {
    expect(resolveBase('llama-3.1-8b-instruct')).toEqual({ id: 'llama-3.1-8b-instruct', family: undefined, entry: undefined });
    expect(resolveBase('ft:davinci-003-custom:acme:x:1')?.family).toBeUndefined();
  });

  it("a policy's base: wins over what the id reveals", () => {
    expect(resolveBase('triage-deployment', 'o4-mini')).toMatchObject({ id: 'o4-mini', family: 'o4-mini' });
    expect(resolveBase('ft:gpt-4o-mini-2024-07-18:acme:x:1', 'o3-mini-2025-01-31')).toMatchObject({ family: 'o3-mini' });
  });

  it('patterns reveal a base only when the BASE segment is literal', () => {
    expect(baseIdOf('ft:o4-mini-2025-04-16:*')).toBe('o4-mini-2025-04-16');
    expect(baseIdOf('ft:o4-mini:*')).toBe('o4-mini');
    expect(baseIdOf('ft:*')).toBeUndefined();
    expect(baseIdOf('ft:o4-*:acme:*')).toBeUndefined();
    expect(baseIdOf('gpt-5*')).toBeUndefined();
    expect(baseIdOf('*')).toBeUndefined();
    expect(resolveBase('*')).toBeUndefined();
  });
});
