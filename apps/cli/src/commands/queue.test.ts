import { describe, expect, it } from 'vitest';
import { triesText } from './queue.js';

describe('triesText', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  it('never shows an epoch date for an entry not tried yet', () => {
    expect(triesText({ state: 'pending', attempts: 0, nextAttemptAt: null }, now)).toBe('not tried yet');
  });
  it('says when the next try is, in seconds and clock time', () => {
    const next = new Date(now + 14_200).toISOString();
    expect(triesText({ state: 'pending', attempts: 2, nextAttemptAt: next }, now)).toMatch(
      /^tried 2×, next in 15 s \(\d\d:\d\d:\d\d\)$/,
    );
    expect(triesText({ state: 'pending', attempts: 2, nextAttemptAt: new Date(now - 1).toISOString() }, now)).toBe(
      'tried 2×, due now',
    );
  });
  it('names failed and in-flight entries', () => {
    expect(triesText({ state: 'failed', attempts: 8, nextAttemptAt: null }, now)).toBe('failed after 8 tries');
    expect(triesText({ state: 'inflight', attempts: 0, nextAttemptAt: null }, now)).toBe(
      'not tried yet, delivering now',
    );
  });
});
