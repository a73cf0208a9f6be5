import { describe, expect, it } from 'vitest';
import { nodeRoundDelay, reconnectDelay } from './backoff.js';

describe('reconnectDelay', () => {
  it('doubles per attempt up to the cap, with jitter in [base/2, base]', () => {
    expect(reconnectDelay(1, { initialDelayMs: 100 }, () => 0)).toBe(50);
    expect(reconnectDelay(1, { initialDelayMs: 100 }, () => 1)).toBe(100);
    expect(reconnectDelay(4, { initialDelayMs: 100 }, () => 1)).toBe(800);
    expect(reconnectDelay(30, { initialDelayMs: 100, maxDelayMs: 1_000 }, () => 1)).toBe(1_000);
  });
});

describe('nodeRoundDelay', () => {
  it('goes straight on to the next node, backing off once per full round', () => {
    const options = { initialDelayMs: 100 };
    expect([1, 2, 3].map((attempt) => nodeRoundDelay(attempt, 3, options))).toEqual([0, 0, 0]);
    expect(nodeRoundDelay(4, 3, options)).toBeGreaterThanOrEqual(50);
    expect(nodeRoundDelay(5, 3, options)).toBe(0);
  });

  it('is plain backoff with one node', () => {
    expect(nodeRoundDelay(1, 1, { initialDelayMs: 100 })).toBeGreaterThanOrEqual(50);
  });
});
