import { RateLimiter } from './rate-limiter.js';

/**
 * Where the abuse guard keeps failure budgets (token buckets of `perMinute`
 * failures, refilled continuously) and the addresses that passed a check: this
 * process, or Redis so that every node of a cluster spends one budget.
 */
export interface FailureStore {
  /** Seconds until `key` may fail again (0: it may now). */
  wait(key: string, perMinute: number, now: number): Promise<number>;
  /** Spend one failure from `key`'s bucket. */
  spend(key: string, perMinute: number, now: number): Promise<void>;
  /** `key` passed a check at `now`; it counts as known for `forMs`. */
  markKnown(key: string, now: number, forMs: number): Promise<void>;
  isKnown(key: string, now: number): Promise<boolean>;
}

const MAX_KNOWN = 10_000;

/** The single-process store: buckets in memory (bounded key count), known addresses in a bounded map. */
export function createMemoryFailureStore(): FailureStore {
  const limiters = new Map<number, RateLimiter>();
  const limiter = (perMinute: number) => {
    let found = limiters.get(perMinute);
    if (!found) {
      found = new RateLimiter({ ratePerSecond: perMinute / 60, burst: perMinute });
      limiters.set(perMinute, found);
    }
    return found;
  };
  /** Key → time it stops being known (insertion order = age, for eviction). */
  const known = new Map<string, number>();
  return {
    async wait(key, perMinute, now) {
      return limiter(perMinute).blocked(key, now);
    },
    async spend(key, perMinute, now) {
      limiter(perMinute).take(key, now);
    },
    async markKnown(key, now, forMs) {
      known.delete(key);
      known.set(key, now + forMs);
      if (known.size > MAX_KNOWN) known.delete(known.keys().next().value as string);
    },
    async isKnown(key, now) {
      return (known.get(key) ?? 0) > now;
    },
  };
}
