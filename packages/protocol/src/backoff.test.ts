import { describe, expect, it } from 'vitest';
import { equalJitterDelay } from './backoff.js';

describe('equalJitterDelay', () => {
  it('doubles per attempt up to the cap, with jitter in [base/2, base]', () => {
    expect(equalJitterDelay(1, 100, 30_000, () => 0)).toBe(50);
    expect(equalJitterDelay(1, 100, 30_000, () => 1)).toBe(100);
    expect(equalJitterDelay(4, 100, 30_000, () => 1)).toBe(800);
    expect(equalJitterDelay(4, 100, 30_000, () => 0)).toBe(400);
    expect(equalJitterDelay(30, 100, 1_000, () => 1)).toBe(1_000);
    expect(equalJitterDelay(30, 100, 1_000, () => 0)).toBe(500);
  });

  it('treats attempt 0 (and below) as the first', () => {
    expect(equalJitterDelay(0, 100, 1_000, () => 1)).toBe(100);
    expect(equalJitterDelay(-3, 100, 1_000, () => 1)).toBe(100);
  });

  it('never waits 0 and never more than the cap, whatever the draw', () => {
    for (let attempt = 1; attempt < 40; attempt++) {
      const delay = equalJitterDelay(attempt, 1_000, 600_000);
      expect(delay).toBeGreaterThanOrEqual(500);
      expect(delay).toBeLessThanOrEqual(600_000);
    }
  });
});
