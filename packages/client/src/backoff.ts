import { equalJitterDelay } from '@hookline/protocol';

export interface BackoffOptions {
  /** @default 500 */
  initialDelayMs?: number;
  /** @default 30_000 */
  maxDelayMs?: number;
}

/** The client's reconnect schedule: protocol's equal-jitter backoff, 0.5 s doubling up to 30 s. */
export function reconnectDelay(attempt: number, options: BackoffOptions = {}, random = Math.random): number {
  return equalJitterDelay(attempt, options.initialDelayMs ?? 500, options.maxDelayMs ?? 30_000, random);
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
