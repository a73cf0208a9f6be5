export interface BackoffOptions {
  /** @default 500 */
  initialDelayMs?: number;
  /** @default 30_000 */
  maxDelayMs?: number;
}

/**
 * Exponential backoff with "equal jitter": a random delay in [base/2, base], base
 * doubling per attempt up to the cap, so a relay restart is not met by every client at
 * the same instant, and no client retries at once (full jitter, [0, base], would).
 */
export function reconnectDelay(attempt: number, options: BackoffOptions = {}, random = Math.random): number {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const base = Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + random() * (base / 2));
}

/**
 * Delay before reconnect attempt `attempt` when the client knows `nodes` relay
 * nodes: with several, each failure moves straight on to the next node and the
 * backoff applies once per full round; with one, plain backoff.
 */
export function nodeRoundDelay(attempt: number, nodes: number, options: BackoffOptions = {}): number {
  if (nodes <= 1) return reconnectDelay(attempt, options);
  const round = (attempt - 1) / nodes;
  return Number.isInteger(round) && round > 0 ? reconnectDelay(round, options) : 0;
}
