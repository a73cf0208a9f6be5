import { randomUUID } from 'node:crypto';
import { HooklineError, type RequestHead } from '@hookline/protocol';
import { AppendLog, type RecordRef } from '../store/append-log.js';
import { expireIfOld, newEntry, recordAttempt, releaseAttempt, resetForRetry } from './entry-state.js';
import type { QueueLimits } from './queue-limits.js';
import type { QueueStore } from './queue-store.js';

/** `storing`: accepted but not yet on disk; it may not be delivered (or acknowledged) before it is. */
export type EntryState = 'storing' | 'pending' | 'inflight' | 'failed';

/** One queued webhook; its body stays on disk until it is delivered. */
export interface QueueEntry {
  id: string;
  seq: number;
  receivedAt: number;
  head: RequestHead;
  bodySize: number;
  state: EntryState;
  /** Finished attempts so far. */
  attempts: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  ref: RecordRef;
  /** Later records about this entry (attempts, retries), kept for compaction. */
  stateRef: RecordRef | null;
}

type QueueRecord =
  | { op: 'enqueue'; id: string; seq: number; receivedAt: number; head: RequestHead; body: string }
  | {
      op: 'state';
      id: string;
      attempts: number;
      nextAttemptAt: number | null;
      status: number | null;
      error: string | null;
    }
  | { op: 'done'; id: string; status: number | null; reason: 'acked' | 'dropped' };

/** The result of one delivery attempt, as the client reported it. */
export type AttemptResult = { status: number; error: null } | { status: number | null; error: string };

/**
 * The durable offline queue of one tunnel, on an append-only log (one file per
 * tunnel). Every change is a record fsync'd before the call resolves, so a 202
 * means the webhook is on disk, and an entry leaves only after a 2xx ack or an
 * explicit drop. Memory holds the index; bodies are read back when delivered.
 */
export class DeliveryQueue implements QueueStore {
  readonly name: string;
  readonly #log: AppendLog;
  readonly #limits: QueueLimits;
  readonly #entries = new Map<string, QueueEntry>();
  #seq = 0;
  #bytes = 0;
  #deadBytes = 0;
  #compacting = false;
  /** Enqueues whose record is not on disk yet; compaction waits for none. */
  #appending = 0;

  private constructor(name: string, log: AppendLog, limits: QueueLimits) {
    this.name = name;
    this.#log = log;
    this.#limits = limits;
  }

  static async open(name: string, path: string, limits: QueueLimits): Promise<DeliveryQueue> {
    const records: Array<[QueueRecord, RecordRef]> = [];
    const log = await AppendLog.open(path, (record, ref) => records.push([record as QueueRecord, ref]));
    const queue = new DeliveryQueue(name, log, limits);
    for (const [record, ref] of records) queue.#replay(record, ref);
    return queue;
  }

  /** Entries in arrival order. */
  entries(): QueueEntry[] {
    return [...this.#entries.values()];
  }

  get size(): number {
    return this.#entries.size;
  }

  get(id: string): QueueEntry | undefined {
    return this.#entries.get(id);
  }

  /** Persist a webhook (fsync'd). Throws E_QUEUE_FULL when a cap would be passed. */
  async enqueue(head: RequestHead, body: Buffer): Promise<QueueEntry> {
    this.expire(Date.now());
    if (this.#entries.size >= this.#limits.maxEntries) {
      throw new HooklineError(
        'E_QUEUE_FULL',
        `queue of "${this.name}" holds ${this.#entries.size} webhooks (the limit)`,
      );
    }
    if (this.#bytes + body.length > this.#limits.maxBytes) {
      throw new HooklineError(
        'E_QUEUE_FULL',
        `queue of "${this.name}" is over its ${this.#limits.maxBytes}-byte limit`,
      );
    }
    const record: QueueRecord = {
      op: 'enqueue',
      id: `dlv_${randomUUID().replaceAll('-', '')}`,
      seq: ++this.#seq,
      receivedAt: head.receivedAt,
      head,
      body: body.toString('base64'),
    };
    // Reserve the slot before the await so concurrent enqueues keep arrival order.
    const entry = this.#index(record, { offset: -1, length: 0 }, body.length);
    entry.state = 'storing';
    this.#appending += 1;
    try {
      entry.ref = await this.#log.append(record);
      entry.state = 'pending';
    } catch (error) {
      this.#remove(entry);
      throw error;
    } finally {
      this.#appending -= 1;
    }
    return entry;
  }

  async body(entry: QueueEntry): Promise<Buffer> {
    const record = (await this.#log.read(entry.ref)) as QueueRecord;
    if (record.op !== 'enqueue' || record.id !== entry.id) throw new Error(`queue log out of step at ${entry.id}`);
    return Buffer.from(record.body, 'base64');
  }

  /** Record a finished attempt: 2xx removes the entry, otherwise retry later or fail for good. */
  async settle(entry: QueueEntry, result: AttemptResult, now = Date.now()): Promise<void> {
    if (!this.#entries.has(entry.id)) return;
    if (recordAttempt(entry, result, this.#limits, now) === 'kept') return this.#saveState(entry);
    this.#remove(entry);
    // Not awaited: the next delivery need not wait for this fsync. Losing an ack
    // in a crash means one redelivery (at-least-once), never a lost webhook.
    this.#log
      .append({ op: 'done', id: entry.id, status: result.status, reason: 'acked' })
      .then(() => this.#maybeCompact())
      .catch(() => {});
  }

  /**
   * An attempt that never reached the local server (client went away): no try is
   * used up. `delayMs` keeps a broken entry from being picked again at once.
   */
  release(entry: QueueEntry, delayMs = 0): void {
    releaseAttempt(entry, delayMs, Date.now());
  }

  /** Give a failed (or waiting) entry a fresh set of tries, starting now. */
  async retry(id: string, now = Date.now()): Promise<boolean> {
    const entry = this.#entries.get(id);
    if (!entry || !resetForRetry(entry, now)) return false;
    await this.#saveState(entry);
    return true;
  }

  async drop(id: string): Promise<boolean> {
    const entry = this.#entries.get(id);
    if (!entry || entry.state === 'storing') return false;
    this.#remove(entry);
    await this.#log.append({ op: 'done', id, status: null, reason: 'dropped' });
    await this.#maybeCompact();
    return true;
  }

  /** Entries older than the age cap stop being retried: failed, visible, never silently gone. */
  expire(now: number): void {
    for (const entry of this.#entries.values()) {
      if (expireIfOld(entry, this.#limits, now)) this.#saveState(entry).catch(() => {});
    }
  }

  /** A file has one writer, this process: nothing to catch up with. */
  async sync(_options?: { claim?: boolean }): Promise<void> {}

  close(): Promise<void> {
    return this.#log.close();
  }

  async #saveState(entry: QueueEntry): Promise<void> {
    if (entry.stateRef) this.#deadBytes += entry.stateRef.length;
    const nextAttemptAt = Number.isFinite(entry.nextAttemptAt) ? entry.nextAttemptAt : null;
    entry.stateRef = await this.#log.append({
      op: 'state',
      id: entry.id,
      attempts: entry.attempts,
      nextAttemptAt,
      status: entry.lastStatus,
      error: entry.lastError,
    });
  }

  #index(record: Extract<QueueRecord, { op: 'enqueue' }>, ref: RecordRef, bodySize: number): QueueEntry {
    const entry = newEntry(
      { id: record.id, seq: record.seq, receivedAt: record.receivedAt, head: record.head, bodySize },
      ref,
    );
    this.#entries.set(entry.id, entry);
    this.#bytes += bodySize;
    this.#seq = Math.max(this.#seq, record.seq);
    return entry;
  }

  #remove(entry: QueueEntry): void {
    if (!this.#entries.delete(entry.id)) return;
    this.#bytes -= entry.bodySize;
    this.#deadBytes += entry.ref.length + (entry.stateRef?.length ?? 0);
  }

  #replay(record: QueueRecord, ref: RecordRef): void {
    switch (record.op) {
      case 'enqueue':
        this.#index(record, ref, Buffer.byteLength(record.body, 'base64'));
        return;
      case 'state': {
        const entry = this.#entries.get(record.id);
        if (!entry) {
          this.#deadBytes += ref.length;
          return;
        }
        if (entry.stateRef) this.#deadBytes += entry.stateRef.length;
        entry.stateRef = ref;
        entry.attempts = record.attempts;
        entry.lastStatus = record.status;
        entry.lastError = record.error;
        entry.nextAttemptAt = record.nextAttemptAt ?? Number.POSITIVE_INFINITY;
        entry.state = record.nextAttemptAt === null ? 'failed' : 'pending';
        return;
      }
      case 'done': {
        const entry = this.#entries.get(record.id);
        if (entry) this.#remove(entry);
        this.#deadBytes += ref.length;
        return;
      }
    }
  }

  /** Rewrite the log with only live records once most of it is dead. */
  async #maybeCompact(): Promise<void> {
    if (
      this.#compacting ||
      this.#appending > 0 ||
      this.#deadBytes < 1024 * 1024 ||
      this.#deadBytes < this.#log.size / 2
    )
      return;
    this.#compacting = true;
    try {
      const live = [...this.#entries.values()];
      const lines: Buffer[] = [];
      for (const entry of live) {
        lines.push(await this.#log.readRaw(entry.ref));
        if (entry.stateRef) lines.push(await this.#log.readRaw(entry.stateRef));
      }
      const refs = await this.#log.rewrite(lines);
      let i = 0;
      for (const entry of live) {
        entry.ref = refs[i++] as RecordRef;
        if (entry.stateRef) entry.stateRef = refs[i++] as RecordRef;
      }
      this.#deadBytes = 0;
    } finally {
      this.#compacting = false;
    }
  }
}
