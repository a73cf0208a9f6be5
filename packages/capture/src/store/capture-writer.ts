import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import { bodyFileBits, bodyFilesDir } from './body-files.js';
import { toWireBatch } from './capture-batch-wire.js';
import type { CaptureRow } from './capture-row.js';
import {
  captureValues,
  detailValues,
  EVICT_CAPTURES_SQL,
  EVICT_DETAILS_SQL,
  EVICTED_FILES_SQL,
  INSERT_CAPTURE_SQL,
  INSERT_DETAILS_SQL,
} from './capture-schema.js';
import { CAPTURE_WRITER_SOURCE } from './capture-writer-source.js';

/** One batch: rows to insert, then every id up to `evictUpTo` to delete. */
export interface CaptureBatch {
  rows: CaptureRow[];
  evictUpTo: number | null;
  /**
   * False when none of the evicted rows can have a body file (each was stored in
   * less than a file body's size): the thread then skips looking for files to
   * remove, a scan of every evicted row. @default true
   */
  evictFiles?: boolean;
}

/** Commits batches in order; `commit()` resolves once the batch is in the database. */
export interface CaptureWriter {
  commit(batch: CaptureBatch): Promise<void>;
  close(): Promise<void>;
}

interface Report {
  done?: number[];
  ok?: boolean;
  message?: string | null;
  closed?: boolean;
  /** The committed batches' body buffers, transferred back. */
  buffers?: ArrayBuffer[];
}

/** Batch buffers kept for reuse: at most this many, of at most this size each. */
const SPARE_BUFFERS = 4;
const MAX_SPARE_BYTES = 2 * 1024 * 1024;

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

/** The same statements on both writers: rows go to both tables, evictions from both. */
const STATEMENTS = {
  insertCapture: INSERT_CAPTURE_SQL,
  insertDetails: INSERT_DETAILS_SQL,
  evict: [EVICT_CAPTURES_SQL, EVICT_DETAILS_SQL],
  evictedFiles: EVICTED_FILES_SQL,
};

/**
 * The file store's writer, on a worker thread. Inserting a body, and above all
 * the WAL checkpoints with their fsyncs, would otherwise run on the thread that
 * forwards requests; here the event loop only posts a message. Big bodies are
 * written as files by that thread too, one after another, just before the
 * transaction that inserts their rows. Written from the event loop through
 * libuv instead, each file took four trips through a busy loop (open, two
 * writes, close) and four files were written at once, contending in the kernel;
 * the one copy into the transferred batch buffer costs less than either
 * (measured in the commit that moved them here).
 */
export class ThreadCaptureWriter implements CaptureWriter {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { resolve(): void; reject(error: unknown): void }>();
  /** Body buffers the thread sent back, to fill again (no fresh pages to fault in, nothing for GC). */
  readonly #spare: ArrayBuffer[] = [];
  #nextSeq = 0;
  #closed: Promise<void> | null = null;
  #broken: Error | null = null;

  constructor(path: string) {
    this.#worker = new Worker(CAPTURE_WRITER_SOURCE, {
      eval: true,
      workerData: { path, driver: driverPath, statements: STATEMENTS, bodiesDir: bodyFilesDir(path) },
      // It holds no data of its own between batches: a small heap keeps its RSS small.
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 },
    });
    // Never keeps the process alive on its own; close() holds it until the last commit.
    this.#worker.unref();
    this.#worker.on('message', (report: Report) => this.#settle(report));
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', (code) => {
      if (!this.#closed) this.#fail(new Error(`the capture writer thread exited (${code})`));
    });
  }

  commit(batch: CaptureBatch): Promise<void> {
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#closed) return Promise.reject(new Error('the capture store is closed'));
    const seq = ++this.#nextSeq;
    return new Promise((resolve, reject) => {
      this.#waiting.set(seq, { resolve, reject });
      const wire = toWireBatch(seq, batch, batch.rows.map(bodyFileBits), (size) => this.#takeSpare(size));
      this.#worker.postMessage(wire, [wire.bodies]);
    });
  }

  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      if (this.#broken) return resolve();
      this.#worker.ref();
      this.#worker.once('exit', () => resolve());
      this.#worker.postMessage({ close: true });
    });
    return this.#closed;
  }

  /** The smallest spare buffer of at least `size` bytes, taken from the spares; null when none fits. */
  #takeSpare(size: number): ArrayBuffer | null {
    let best = -1;
    for (const [i, buffer] of this.#spare.entries()) {
      if (
        buffer.byteLength >= size &&
        (best < 0 || buffer.byteLength < (this.#spare[best] as ArrayBuffer).byteLength)
      ) {
        best = i;
      }
    }
    return best < 0 ? null : (this.#spare.splice(best, 1)[0] as ArrayBuffer);
  }

  #settle(report: Report): void {
    for (const buffer of report.buffers ?? []) {
      if (buffer.byteLength === 0 || buffer.byteLength > MAX_SPARE_BYTES) continue;
      if (this.#spare.length >= SPARE_BUFFERS) this.#spare.shift();
      this.#spare.push(buffer);
    }
    if (report.closed || !report.done) return;
    const error = report.ok ? null : new Error(report.message ?? 'commit failed');
    for (const seq of report.done) {
      const waiter = this.#waiting.get(seq);
      this.#waiting.delete(seq);
      if (error) waiter?.reject(error);
      else waiter?.resolve();
    }
  }

  #fail(error: Error): void {
    this.#broken = error;
    for (const waiter of this.#waiting.values()) waiter.reject(error);
    this.#waiting.clear();
  }
}

/** The memory store's writer: the same statements on the thread's own in-memory database. */
export class InlineCaptureWriter implements CaptureWriter {
  readonly #commit: (batch: CaptureBatch) => void;

  constructor(db: Database) {
    const insertCapture = db.prepare(STATEMENTS.insertCapture);
    const insertDetails = db.prepare(STATEMENTS.insertDetails);
    const evict = STATEMENTS.evict.map((sql) => db.prepare(sql));
    const buffer = (bytes: Uint8Array | null) => bytes && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#commit = db.transaction((batch: CaptureBatch) => {
      for (const row of batch.rows) {
        insertCapture.run(captureValues(row));
        // Memory store: every body a BLOB (no body files).
        insertDetails.run(...detailValues(row), 0, buffer(row.requestBody), buffer(row.responseBody));
      }
      if (batch.evictUpTo !== null) for (const statement of evict) statement.run(batch.evictUpTo);
    });
  }

  /** Commit now, on this thread; throws what SQLite throws. */
  apply(batch: CaptureBatch): void {
    this.#commit(batch);
  }

  async commit(batch: CaptureBatch): Promise<void> {
    this.#commit(batch);
  }

  async close(): Promise<void> {}
}
