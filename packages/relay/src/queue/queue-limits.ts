/** Caps and retry schedule of one tunnel's offline queue. */
export interface QueueLimits {
  /** @default 10_000 */
  maxEntries: number;
  /** Sum of queued body sizes. @default 100 MiB */
  maxBytes: number;
  /** Older entries stop being retried and are kept as failed. @default 7 days */
  maxAgeMs: number;
  /** Tries before an entry is kept as failed. @default 8 */
  maxAttempts: number;
  /** First retry delay. @default 1_000 */
  initialDelayMs: number;
  /** Longest retry delay. @default 600_000 */
  maxDelayMs: number;
}

export const DEFAULT_QUEUE_LIMITS: QueueLimits = {
  maxEntries: 10_000,
  maxBytes: 100 * 1024 * 1024,
  maxAgeMs: 7 * 24 * 60 * 60 * 1000,
  maxAttempts: 8,
  initialDelayMs: 1_000,
  maxDelayMs: 600_000,
};

/** Exponential backoff with jitter (half fixed, half random) after `attempts` failures. */
export function retryDelay(attempts: number, limits: QueueLimits, random = Math.random): number {
  const base = Math.min(limits.maxDelayMs, limits.initialDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(base / 2 + random() * (base / 2));
}
