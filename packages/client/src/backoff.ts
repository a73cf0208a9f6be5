export interface BackoffOptions {
  /** @default 500 */
  initialDelayMs?: number;
  /** @default 30_000 */
  maxDelayMs?: number;
}

/**
 * Exponential backoff with full jitter: a random delay in [base/2, base], base
 * doubling per attempt up to the cap, so a relay restart is not met by every
 * client at the same instant.
 */
export function reconnectDelay(attempt: number, options: BackoffOptions = {}, random = Math.random): number {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const base = Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + random() * (base / 2));
}
