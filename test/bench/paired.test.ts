import { expect, it } from 'vitest';
import { median } from '../../bench/paired.ts';

it('takes the middle ratio, so one spoiled batch cannot move it', () => {
  expect(median([1.02, 0.99, 3.5])).toBe(1.02);
  expect(median([1.0, 1.04, 0.2, 1.02])).toBe(1.01);
  expect(median([])).toBeNaN();
});
