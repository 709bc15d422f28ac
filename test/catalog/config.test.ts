import { expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';

it('MODEL_CATALOG is on by default; off (or false/0) turns it off; anything else names the setting', () => {
  const read = (value?: string) => {
    const result = parseConfig(value === undefined ? {} : { MODEL_CATALOG: value });
    return result.ok ? result.config.MODEL_CATALOG : result.errors;
  };
  expect(read()).toBe(true);
  expect(read('')).toBe(true);
  expect(read('on')).toBe(true);
  expect(read('off')).toBe(false);
  expect(read('false')).toBe(false);
  expect(read('0')).toBe(false);
  expect(read('maybe')).toEqual(['MODEL_CATALOG: must be on or off']);
});
