import { describe, expect, it } from 'vitest';
import { nodeRoundDelay, reconnectDelay } from './backoff.js';

describe('reconnectDelay', () => {
  it('starts at 0.5 s and stops doubling at 30 s by default', () => {
    expect(reconnectDelay(1, {}, () => 1)).toBe(500);
    expect(reconnectDelay(1, {}, () => 0)).toBe(250);
    expect(reconnectDelay(30, {}, () => 1)).toBe(30_000);
  });

  it('takes its bounds from the options', () => {
    expect(reconnectDelay(4, { initialDelayMs: 100 }, () => 1)).toBe(800);
    expect(reconnectDelay(30, { initialDelayMs: 100, maxDelayMs: 1_000 }, () => 0)).toBe(500);
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
