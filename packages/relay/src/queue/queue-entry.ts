import type { RequestHead } from '@hookline/protocol';

/** `storing`: accepted but not yet committed; it may not be delivered (or acknowledged) before it is. */
export type EntryState = 'storing' | 'pending' | 'inflight' | 'failed';

/** One queued webhook as the dispatcher sees it; its body stays in the store until it is delivered. */
export interface QueueEntry {
  id: string;
  seq: number;
  receivedAt: number;
  head: RequestHead;
  bodySize: number;
  state: EntryState;
  /** Finished attempts so far. */
  attempts: number;
  /** Epoch ms; 0 = due now, +Infinity = failed (no more tries). */
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
}

/**
 * The result of one delivery attempt, as the client reported it. `answeredSender`:
 * the local server's answer went back to the webhook's sender itself (the live path
 * of a queued tunnel), so whatever its status the sender decides about retrying, and
 * the relay must not deliver it again.
 */
export type AttemptResult =
  | { status: number; error: null; answeredSender?: boolean }
  | { status: number | null; error: string };
