import type { CapturedBody, CaptureRecord } from '../types.js';
import type { CaptureRow } from './capture-row.js';
import type { CaptureBatch, CaptureWriter } from './capture-writer.js';

/** Records that could not be saved are kept for a retry up to this many bytes, then dropped. */
const MAX_UNSAVED_BYTES = 64 * 1024 * 1024;
/**
 * A batch is sent at once when its bodies reach this much, not after the delay:
 * with 1 MiB uploads, 100 ms of them would otherwise sit in memory (and be copied
 * to the writer) tens of MiB at a time; here one upload is a batch.
 */
const MAX_BATCH_BYTES = 1024 * 1024;
/**
 * Body bytes handed to the writer and not yet committed, at most. Past it (uploads
 * arriving faster than the disk takes them), a capture is kept without its bodies
 * (sizes kept, `truncated`), so memory stays bounded whatever the load; the user is
 * told how many.
 */
const MAX_IN_FLIGHT_BYTES = 32 * 1024 * 1024;
/** After a failed commit, wait this long before trying again. */
const RETRY_MS = 1_000;
/** Overload warnings: at most one per this many ms. */
const SHED_WARNING_MS = 60_000;

const EMPTY = Buffer.alloc(0);

export interface SaveQueueOptions {
  /** Batches are sent at most this long after their first row. */
  flushDelayMs: number;
  /** For messages only. */
  file: string | null;
  onWarning: (message: string) => void;
  /** A capture that could not be saved was dropped for good (the store forgets its listing). */
  onDropped: (id: string) => void;
}

/**
 * Rows on their way to the writer: batched (one transaction per `flushDelayMs`, or
 * at once at 1 MiB of bodies), held until committed so `get()` can serve them,
 * retried after a failed commit (one row first: on a disk with a little room again,
 * a batch of everything that waited may never fit), and bounded: at most 32 MiB of
 * bodies in flight (`admit` keeps a capture without its bodies past that) and 64 MiB
 * waiting for a retry (the oldest are dropped past that).
 */
export class SaveQueue {
  readonly #writer: CaptureWriter;
  readonly #options: SaveQueueOptions;
  readonly #unsaved = new Map<string, CaptureRow>();
  #unsavedBytes = 0;
  #queued: CaptureRow[] = [];
  #queuedBytes = 0;
  #evictUpTo: number | null = null;
  #evictFiles = false;
  #timer: NodeJS.Timeout | undefined;
  #committing: Promise<void> = Promise.resolve();
  #failing = false;
  #closed = false;
  /** Captures kept without bodies since the last warning, and when that was. */
  #shed = 0;
  #shedWarnedAt = Number.NEGATIVE_INFINITY;

  constructor(writer: CaptureWriter, options: SaveQueueOptions) {
    this.#writer = writer;
    this.#options = options;
  }

  /** The record as it may be queued: without its bodies when the writer is 32 MiB behind. */
  admit(record: CaptureRecord): CaptureRecord {
    const bytes = record.request.body.bytes.length + (record.response?.body.bytes.length ?? 0);
    if (this.#unsavedBytes + bytes <= MAX_IN_FLIGHT_BYTES) return record;
    const shed = (body: CapturedBody): CapturedBody => ({ bytes: EMPTY, size: body.size, truncated: body.size > 0 });
    const kept: CaptureRecord = {
      ...record,
      request: { ...record.request, body: shed(record.request.body) },
      response: record.response && { ...record.response, body: shed(record.response.body) },
    };
    this.#shed += 1;
    // Once a minute at most: under a steady overload this would otherwise flap.
    const now = performance.now();
    if (now - this.#shedWarnedAt >= SHED_WARNING_MS) {
      this.#shedWarnedAt = now;
      const count = this.#shed === 1 ? '' : ` (${this.#shed} captures since the last warning)`;
      this.#options.onWarning(
        `captures arrive faster than the disk takes them: their bodies are not kept until it catches up${count}; the forward is untouched`,
      );
      this.#shed = 0;
    }
    return kept;
  }

  /** Queue a row for the next batch. */
  push(row: CaptureRow): void {
    this.#unsaved.set(String(row.id), row);
    this.#unsavedBytes += row.storedBytes;
    this.#queued.push(row);
    this.#queuedBytes += row.storedBytes;
    if (this.#queuedBytes >= MAX_BATCH_BYTES && !this.#failing) this.#send();
    else this.#schedule();
  }

  /** A row not committed yet. */
  unsaved(id: string): CaptureRow | undefined {
    return this.#unsaved.get(id);
  }

  /** Delete every row up to `id` with the next batch (eviction: ids only grow). */
  evictUpTo(id: number, mayHaveFiles: boolean): void {
    this.#evictUpTo = id;
    this.#evictFiles ||= mayHaveFiles;
    this.#schedule();
  }

  /** An evicted capture: nothing of it is served from here any more. */
  forget(id: string): void {
    const row = this.#unsaved.get(id);
    if (!row) return;
    this.#unsaved.delete(id);
    this.#unsavedBytes -= row.storedBytes;
  }

  /** Commit what was queued; resolves once it is in the database (or its commit failed). */
  async flush(): Promise<void> {
    this.#send();
    await this.#committing;
  }

  /** Commit what was queued, then stop the writer. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#writer.close();
  }

  #schedule(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#send();
    }, this.#options.flushDelayMs);
    this.#timer.unref();
  }

  /** Hand what is queued to the writer as one batch. */
  #send(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#queued.length === 0 && this.#evictUpTo === null) return;
    const rows = this.#failing ? this.#queued.splice(0, 1) : this.#queued;
    const rest = this.#failing ? this.#queued : [];
    const batch: CaptureBatch = { rows, evictUpTo: this.#evictUpTo, evictFiles: this.#evictFiles };
    this.#queued = rest;
    this.#queuedBytes = rest.reduce((sum, row) => sum + row.storedBytes, 0);
    this.#evictUpTo = null;
    this.#evictFiles = false;
    const committed = this.#writer.commit(batch).then(
      () => {
        for (const row of rows) this.forget(String(row.id));
        if (!this.#failing) return;
        this.#options.onWarning('captures are being saved again');
        this.#failing = false;
        if (this.#queued.length > 0) this.#schedule();
      },
      (error: Error) => this.#onCommitFailed(batch, error),
    );
    this.#committing = Promise.all([this.#committing, committed]).then(() => {});
  }

  /**
   * A full disk or an I/O error: the forward is never touched, the captures stay
   * listed and readable from memory and are retried, up to a bound; past it the
   * oldest unsaved ones are dropped, and the user is told how many.
   */
  #onCommitFailed(batch: CaptureBatch, error: Error): void {
    if (!this.#failing) {
      this.#options.onWarning(`captures could not be saved to ${this.#options.file}: ${error.message}`);
      this.#failing = true;
    }
    if (this.#closed) return;
    // Still-listed ones only: eviction may have dropped some meanwhile.
    const retry = [...batch.rows.filter((row) => this.#unsaved.has(String(row.id))), ...this.#queued];
    let retryBytes = retry.reduce((sum, row) => sum + row.storedBytes, 0);
    let dropped = 0;
    while (retryBytes > MAX_UNSAVED_BYTES && retry.length > 1) {
      const row = retry.shift() as CaptureRow;
      retryBytes -= row.storedBytes;
      this.forget(String(row.id));
      this.#options.onDropped(String(row.id));
      dropped += 1;
    }
    if (dropped > 0) this.#options.onWarning(`${dropped} captures could not be saved and were dropped`);
    this.#queued = retry;
    this.#queuedBytes = retryBytes;
    this.#evictUpTo = Math.max(this.#evictUpTo ?? 0, batch.evictUpTo ?? 0) || null;
    this.#evictFiles ||= batch.evictFiles !== false;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#send();
    }, RETRY_MS);
    this.#timer.unref();
  }
}
