import { describe, expect, it } from 'vitest';
import { createTokenVerifier } from './store/token-store.js';
import { bearerToken } from './token-auth.js';

describe('createTokenVerifier', () => {
  const verifier = createTokenVerifier({ tokens: ['alpha-token', 'beta-token'] });

  it('maps a valid token to a stable, opaque id', () => {
    const id = verifier.verify('alpha-token');
    expect(id).toMatch(/^[0-9a-f]{12}$/);
    expect(verifier.verify('alpha-token')).toBe(id);
    expect(createTokenVerifier({ tokens: ['other', 'alpha-token'] }).verify('alpha-token')).toBe(id);
    expect(id).not.toContain('alpha');
  });

  it('gives different tokens different ids', () => {
    expect(verifier.verify('alpha-token')).not.toBe(verifier.verify('beta-token'));
    expect(verifier.verify('beta-token')).toMatch(/^[0-9a-f]{12}$/);
  });

  it.each([
    ['a wrong token', 'gamma-token'],
    ['a prefix of a token', 'alpha'],
    ['a token with a trailing space', 'alpha-token '],
    ['an empty token', ''],
    ['no token', undefined],
  ])('refuses %s', (_label, token) => {
    expect(verifier.verify(token)).toBeNull();
  });

  it('refuses everything when it holds no tokens', () => {
    expect(createTokenVerifier({ tokens: [] }).verify('alpha-token')).toBeNull();
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc123', 'abc123'],
    ['bearer abc123', 'abc123'],
    ['BEARER abc123', 'abc123'],
    ['Bearer    abc123  ', 'abc123'],
    ['Bearer a.b-c_d~e+f/g=', 'a.b-c_d~e+f/g='],
  ])('%j → %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Bearer a b', 'abc123', 'Bearerabc'])(
    'finds no token in %j',
    (header) => {
      expect(bearerToken(header)).toBeUndefined();
    },
  );
});
