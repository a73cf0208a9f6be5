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
