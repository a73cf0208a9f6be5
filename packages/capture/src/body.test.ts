import { describe, expect, it } from 'vitest';
import { BodyCollector } from './body.js';

function collect(limit: number, expected: number | undefined, chunks: Buffer[]) {
  const collector = new BodyCollector(limit, expected);
  for (const chunk of chunks) collector.push(chunk);
  return collector.finish();
}

const bytes = (n: number, seed = 0) => Buffer.from(Array.from({ length: n }, (_, i) => (i + seed) % 256));

describe('BodyCollector', () => {
  const whole = Buffer.concat([bytes(70_000), bytes(70_000, 7)]);
  const chunks = [whole.subarray(0, 65_536), whole.subarray(65_536)];

  it.each([
    ['declared exactly', whole.length],
    ['declared short (more arrives)', 100_000],
    ['declared long (less arrives)', 500_000],
    ['not declared', undefined],
  ])('keeps the exact bytes: %s', (_name, expected) => {
    expect(collect(1024 * 1024, expected, chunks)).toEqual({ bytes: whole, size: whole.length, truncated: false });
  });

  it('keeps only the first `limit` bytes and counts the rest, whatever was declared', () => {
    for (const expected of [whole.length, 1_000_000_000, undefined]) {
      const body = collect(100_000, expected, chunks);
      expect(body.bytes.equals(whole.subarray(0, 100_000))).toBe(true);
      expect(body).toMatchObject({ size: whole.length, truncated: true });
    }
  });
});

describe('BodyCollector memory', () => {
  const own = (n: number, seed = 0) => {
    const buffer = Buffer.allocUnsafeSlow(n);
    buffer.set(bytes(n, seed));
    return buffer;
  };

  it('keeps a big chunk that is its own buffer as it is: no copy', () => {
    const body = own(1024 * 1024, 3);
    for (const expected of [body.length, undefined]) {
      const kept = collect(1024 * 1024, expected, [body]).bytes;
      expect(kept.buffer).toBe(body.buffer);
      expect(kept.equals(body)).toBe(true);
    }
  });

  it('copies a small view, and a big view that is a small part of its buffer, so neither pins the rest', () => {
    const big = own(256 * 1024);
    const small = big.subarray(1000, 2000);
    const third = big.subarray(0, 80 * 1024);
    for (const chunk of [small, third]) {
      const kept = collect(1024 * 1024, chunk.length, [chunk]).bytes;
      expect(kept.buffer).not.toBe(big.buffer);
      expect(kept.equals(chunk)).toBe(true);
      expect(kept.buffer.byteLength).toBeLessThan(big.buffer.byteLength);
    }
  });

  it('collects a declared body that comes in pieces into one buffer of that size, and cuts a kept chunk at the limit', () => {
    const pieces = [own(64 * 1024, 1), own(64 * 1024, 2), own(20 * 1024, 3)];
    const body = collect(1024 * 1024, 148 * 1024, pieces).bytes;
    expect(body.equals(Buffer.concat(pieces))).toBe(true);
    expect(body.buffer.byteLength).toBe(148 * 1024);
    const cut = collect(100_000, undefined, [own(200_000, 5)]);
    expect(cut.bytes.equals(bytes(100_000, 5))).toBe(true);
    expect(cut).toMatchObject({ size: 200_000, truncated: true });
  });
});
