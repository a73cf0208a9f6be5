import { randomUUID } from 'node:crypto';
import { HooklineError, type RequestHead } from '@hookline/protocol';
import type { RelayLogger } from '../options.js';
import type { QueueDatabase, StoredDelivery } from '../store/queue-database.js';
import { expireIfOld, newEntry, recordAttempt, releaseAttempt, resetForRetry } from './entry-state.js';
import type { AttemptResult, QueueEntry } from './queue-entry.js';
import type { QueueLimits } from './queue-limits.js';
import type { QueueStore } from './queue-store.js';

/** A removal (ack, drop) that could not be committed is tried again this often. */
const REMOVE_RETRY_MS = 1_000;

/**
 * One tunnel's offline queue over the relay's queue database. Memory holds the
 * index (head and state, in arrival order); bodies stay in SQLite until they are
 * delivered. `enqueue` resolves only after the row is committed; an entry leaves
 * only after a 2xx (or an answered live delivery) or an explicit drop.
 */
export class SqliteQueue implements QueueStore {
  readonly name: string;
  readonly #db: QueueDatabase;
  readonly #limits: QueueLimits;
  readonly #logger: RelayLogger;
  readonly #entries = new Map<string, QueueEntry>();
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  #bytes = 0;
  #closed = false;

  constructor(name: string, db: QueueDatabase, limits: QueueLimits, logger: RelayLogger) {
    this.name = name;
    this.#db = db;
    this.#limits = limits;
    this.#logger = logger;
    for (const row of db.load(name)) this.#restore(row);
  }

  entries(): QueueEntry[] {
    return [...this.#entries.values()];
  }

  get size(): number {
    return this.#entries.size;
  }

  get(id: string): QueueEntry | undefined {
    return this.#entries.get(id);
  }

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
    const id = `dlv_${randomUUID().replaceAll('-', '')}`;
    const seq = this.#db.nextSeq();
    // In the index before the commit, so concurrent enqueues keep arrival order;
    // `storing` keeps the dispatcher off it until the commit is done.
    const entry = newEntry({ id, seq, receivedAt: head.receivedAt, head, bodySize: body.length });
    entry.state = 'storing';
    this.#add(entry);
    try {
      await this.#db.insert({
        seq,
        id,
        tunnel: this.name,
        receivedAt: head.receivedAt,
        head: JSON.stringify(head),
        body,
      });
    } catch (error) {
      this.#forget(entry);
      throw error;
    }
    entry.state = 'pending';
    return entry;
  }

  async body(entry: QueueEntry): Promise<Buffer> {
    const body = this.#db.body(entry.seq);
    if (body) return body;
    // Never deliver bytes that are not what was received: keep the entry, visible, as failed.
    entry.state = 'failed';
    entry.nextAttemptAt = Number.POSITIVE_INFINITY;
    entry.lastError = 'stored body is damaged (checksum mismatch); drop it or restore the database';
    this.#logger.error({ tunnel: this.name, delivery: entry.id }, 'QUEUED WEBHOOK DAMAGED: body fails its checksum');
    throw new HooklineError('E_STORE_UNAVAILABLE', `stored body of ${entry.id} is damaged`);
  }

  async settle(entry: QueueEntry, result: AttemptResult, now = Date.now()): Promise<void> {
    if (!this.#entries.has(entry.id)) return;
    if (recordAttempt(entry, result, this.#limits, now) === 'kept') return this.#saveState(entry);
    this.#remove(entry);
  }

  release(entry: QueueEntry, delayMs = 0): void {
    releaseAttempt(entry, delayMs, Date.now());
  }

  async retry(id: string, now = Date.now()): Promise<boolean> {
    const entry = this.#entries.get(id);
    if (!entry || !resetForRetry(entry, now)) return false;
    await this.#saveState(entry);
    return true;
  }

  async drop(id: string): Promise<boolean> {
    const entry = this.#entries.get(id);
    if (!entry || entry.state === 'storing' || entry.state === 'inflight') return false;
    this.#forget(entry);
    await this.#db.remove(entry.seq);
    return true;
  }

  expire(now: number): void {
    for (const entry of this.#entries.values()) {
      if (expireIfOld(entry, this.#limits, now)) void this.#saveState(entry);
    }
  }

  /** One relay owns the database: nothing to catch up with. */
  async sync(_options?: { claim?: boolean }): Promise<void> {}

  /** The database is the registry's to close; stop retrying removals. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#retryTimers) clearTimeout(timer);
  }

  #add(entry: QueueEntry): void {
    this.#entries.set(entry.id, entry);
    this.#bytes += entry.bodySize;
  }

  #forget(entry: QueueEntry): void {
    if (!this.#entries.delete(entry.id)) return;
    this.#bytes -= entry.bodySize;
  }

  /**
   * Out of the index at once; the row is deleted in the next commit, not awaited
   * (the next delivery need not wait for an fsync). If that commit fails the
   * delete is tried again; a crash before it costs one redelivery, never a webhook.
   */
  #remove(entry: QueueEntry): void {
    this.#forget(entry);
    const attempt = (): void => {
      this.#db.remove(entry.seq).catch(() => {
        if (this.#closed) return;
        const timer = setTimeout(() => {
          this.#retryTimers.delete(timer);
          attempt();
        }, REMOVE_RETRY_MS);
        timer.unref();
        this.#retryTimers.add(timer);
      });
    };
    attempt();
  }

  /** Attempts and next try survive a restart; if the write fails, memory still holds them. */
  async #saveState(entry: QueueEntry): Promise<void> {
    const nextAttemptAt = Number.isFinite(entry.nextAttemptAt) ? Math.round(entry.nextAttemptAt) : null;
    await this.#db
      .saveState(entry.seq, {
        attempts: entry.attempts,
        nextAttemptAt,
        lastStatus: entry.lastStatus,
        lastError: entry.lastError,
      })
      .catch((error: unknown) =>
        this.#logger.warn({ tunnel: this.name, delivery: entry.id, err: String(error) }, 'queue state not saved'),
      );
  }

  #restore(row: StoredDelivery): void {
    let head: RequestHead;
    try {
      head = JSON.parse(row.head) as RequestHead;
      if (typeof head?.method !== 'string' || typeof head.target !== 'string' || !Array.isArray(head.headers)) {
        throw new Error('not a request head');
      }
    } catch (error) {
      // One damaged record costs that record, reported by id; the rest of the queue goes on.
      this.#logger.error(
        { tunnel: this.name, delivery: row.id, reason: String(error) },
        'QUEUED WEBHOOK DAMAGED: its stored head is unreadable; skipped (the row stays in the database)',
      );
      return;
    }
    const entry = newEntry({ id: row.id, seq: row.seq, receivedAt: row.receivedAt, head, bodySize: row.bodySize });
    entry.attempts = row.attempts;
    entry.lastStatus = row.lastStatus;
    entry.lastError = row.lastError;
    entry.nextAttemptAt = row.nextAttemptAt ?? Number.POSITIVE_INFINITY;
    entry.state = row.nextAttemptAt === null ? 'failed' : 'pending';
    this.#add(entry);
  }
}
