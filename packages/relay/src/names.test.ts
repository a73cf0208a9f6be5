import { describe, expect, it } from 'vitest';
import { randomTunnelName, tunnelNameProblem } from './names.js';

const NAME_FORMAT = /^([a-z]+)-([a-z]+)-([a-z2-9]{6})$/;
/** The suffix alphabet: base32 without the look-alikes l, o, 0, 1. */
const SUFFIX_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** Word and suffix-character sets seen over `count` names (enough to see every entry). */
function observe(count: number) {
  const adjectives = new Set<string>();
  const nouns = new Set<string>();
  const chars = new Set<string>();
  for (let i = 0; i < count; i++) {
    const match = NAME_FORMAT.exec(randomTunnelName());
    if (!match) throw new Error('name out of format');
    adjectives.add(match[1] as string);
    nouns.add(match[2] as string);
    for (const char of match[3] as string) chars.add(char);
  }
  return { adjectives, nouns, chars };
}

describe('randomTunnelName', () => {
  it('gives an adjective-noun-suffix name that is a valid DNS label', () => {
    for (let i = 0; i < 200; i++) {
      const name = randomTunnelName();
      expect(name).toMatch(NAME_FORMAT);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(tunnelNameProblem(name)).toBeNull();
    }
  });

  it('gives 1000 distinct names in 1000 draws', () => {
    const names = new Set(Array.from({ length: 1000 }, () => randomTunnelName()));
    // 42 bits: a collision among 1000 draws has odds of about 1 in 10 million.
    expect(names.size).toBeGreaterThanOrEqual(999);
  });

  // 5000 draws see every entry of a 64-word list except with odds below 1e-30.
  const seen = observe(5000);

  it('draws the suffix from the 32-character look-alike-free alphabet', () => {
    expect([...seen.chars].sort().join('')).toBe([...SUFFIX_ALPHABET].sort().join(''));
  });

  it('carries at least 40 bits of entropy', () => {
    const bits = Math.log2(seen.adjectives.size) + Math.log2(seen.nouns.size) + 6 * Math.log2(seen.chars.size);
    expect(bits).toBeGreaterThanOrEqual(40);
  });

  it('draws from 64 nouns', () => {
    expect(seen.nouns.size).toBe(64);
  });

  it('draws from 64 adjectives', () => {
    expect(seen.adjectives.size).toBe(64);
  });
});

describe('tunnelNameProblem', () => {
  it.each(['demo', 'my-shop', 'a', '7', 'a1-b2', 'a--b', 'x'.repeat(63), 'brave-otter-k3x9q2'])(
    'accepts %j',
    (name) => {
      expect(tunnelNameProblem(name)).toBeNull();
    },
  );

  it.each([
    ['', /empty/],
    ['x'.repeat(64), /longer than 63/],
    ['Demo', /lower case/],
    ['-demo', /DNS label/],
    ['demo-', /DNS label/],
    ['de_mo', /DNS label/],
    ['de.mo', /DNS label/],
    ['de mo', /DNS label/],
    ['dé', /DNS label/],
    ['demo/x', /DNS label/],
  ])('refuses %j', (name, reason) => {
    expect(tunnelNameProblem(name)).toMatch(reason);
  });
});
