import { describe, expect, it } from 'vitest';
import { bearerToken, sameDigest, sha256 } from '../src/credentials.ts';

describe('credentials', () => {
  it.each([
    ['Bearer sk-abc', 'sk-abc'],
    ['bearer   sk-abc  ', 'sk-abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('bearerToken(%j) is %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it('compares digests, equal or not, and of different lengths', async () => {
    expect(sameDigest(await sha256('key-1'), await sha256('key-1'))).toBe(true);
    expect(sameDigest(await sha256('key-1'), await sha256('key-2'))).toBe(false);
    expect(sameDigest(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
  });
});
