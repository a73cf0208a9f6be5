import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffLines } from '../../web/src/diff.js';

describe('the page diff (diffLines)', () => {
  it('keeps what is common and marks what changed', () => {
    expect(diffLines(['{', '  "n": 1,', '  "k": "x"', '}'], ['{', '  "n": 2,', '  "k": "x"', '}'])).toEqual([
      { op: ' ', text: '{' },
      { op: '-', text: '  "n": 1,' },
      { op: '+', text: '  "n": 2,' },
      { op: ' ', text: '  "k": "x"' },
      { op: ' ', text: '}' },
    ]);
  });

  it('always rebuilds both sides: kept+removed lines are a, kept+added lines are b', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const diff = diffLines(a, b);
        expect(diff.filter((l) => l.op !== '+').map((l) => l.text)).toEqual(a);
        expect(diff.filter((l) => l.op !== '-').map((l) => l.text)).toEqual(b);
      }),
    );
  });

  it('falls back to a block replacement for two huge bodies that differ everywhere, instead of a huge table', () => {
    const a = Array.from({ length: 3_000 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 3_000 }, (_, i) => `b${i}`);
    const diff = diffLines(a, b);
    expect(diff).toHaveLength(6_000);
    expect(diff[0]).toEqual({ op: '-', text: 'a0' });
    expect(diff[3_000]).toEqual({ op: '+', text: 'b0' });
  });
});
