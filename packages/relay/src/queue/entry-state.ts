import { equalJitterDelay } from '@hookline/protocol';
import type { AttemptResult, QueueEntry } from './queue-entry.js';
import type { QueueLimits } from './queue-limits.js';

/**
 * The state rules every queue store shares (SQLite or Redis stream), as pure
 * updates of an entry; each store only persists what they decided.
 */

/**
 * A freshly stored entry: pending, due now, no attempts yet. Every field is
 * written out (no spread) so all entries share one object shape.
 */
export function newEntry(fields: Pick<QueueEntry, 'id' | 'seq' | 'receivedAt' | 'head' | 'bodySize'>): QueueEntry {
  return {
    id: fields.id,
    seq: fields.seq,
    receivedAt: fields.receivedAt,
    head: fields.head,
    bodySize: fields.bodySize,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: 0,
    lastStatus: null,
    lastError: null,
  };
}

/** Count one finished attempt: `acked` (2xx: remove it), else retry later or fail for good. */
export function recordAttempt(
  entry: QueueEntry,
  result: AttemptResult,
  limits: QueueLimits,
  now: number,
): 'acked' | 'kept' {
  entry.attempts += 1;
  entry.lastStatus = result.status;
  const ok = result.error === null && result.status >= 200 && result.status < 300;
  entry.lastError = result.error ?? (ok ? null : `HTTP ${result.status}`);
  if (ok || (result.error === null && result.answeredSender === true)) return 'acked';
  const exhausted = entry.attempts >= limits.maxAttempts;
  entry.state = exhausted ? 'failed' : 'pending';
  entry.nextAttemptAt = exhausted
    ? Number.POSITIVE_INFINITY
    : now + equalJitterDelay(entry.attempts, limits.initialDelayMs, limits.maxDelayMs);
  return 'kept';
}

/** Give an entry a fresh set of tries, starting now; false while it is in flight or not yet stored. */
export function resetForRetry(entry: QueueEntry, now: number): boolean {
  if (entry.state === 'inflight' || entry.state === 'storing') return false;
  entry.state = 'pending';
  entry.attempts = 0;
  entry.nextAttemptAt = now;
  return true;
}

/** An attempt that never reached the local server: no try used; `delayMs` avoids a hot loop. */
export function releaseAttempt(entry: QueueEntry, delayMs: number, now: number): void {
  if (entry.state !== 'inflight') return;
  entry.state = 'pending';
  if (delayMs > 0) entry.nextAttemptAt = now + delayMs;
}

/** Past the age cap a pending entry stops being retried and is kept as failed; true when it changed. */
export function expireIfOld(entry: QueueEntry, limits: QueueLimits, now: number): boolean {
  if (entry.state !== 'pending' || now - entry.receivedAt <= limits.maxAgeMs) return false;
  entry.state = 'failed';
  entry.lastError = 'expired: older than the queue age limit';
  entry.nextAttemptAt = Number.POSITIVE_INFINITY;
  return true;
}
