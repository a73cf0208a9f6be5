import { describe, expect, it } from 'vitest';
import { createWebSecret, secretMatches } from './web-secret.js';

describe('web secret', () => {
  it('is 32 random bytes, base64url, fresh each time', () => {
    const a = createWebSecret();
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(createWebSecret()).not.toBe(a);
  });

  it('matches only itself: not a prefix, a longer string, nothing, or an empty one', () => {
    const secret = createWebSecret();
    expect(secretMatches(secret, secret)).toBe(true);
    for (const other of [secret.slice(0, -1), `${secret}a`, '', undefined, secret.toUpperCase()]) {
      expect(secretMatches(other, secret)).toBe(false);
    }
  });
});
