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
