/**
 * Exponential backoff with "equal jitter": a random delay in [base/2, base], where
 * base doubles per attempt from `initialDelayMs` up to `maxDelayMs`. Half fixed so
 * nobody retries at once (full jitter, [0, base], can draw 0), half random so a
 * relay restart is not met by every client, nor a recovered target by every queued
 * retry, at the same instant. The one schedule of both the client's reconnects and
 * the relay's queue retries.
 */
export function equalJitterDelay(
  attempt: number,
  initialDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + random() * (base / 2));
}
