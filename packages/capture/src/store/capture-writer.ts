import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import { BodyFiles, bodyFileBits, bodyFilesDir } from './body-files.js';
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
}

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
 * written as files first (body-files.ts, by libuv's threads, from the capture's
 * own buffer), and only then is their row sent: batches still reach the
 * database in order, since one batch's eviction must not run before an earlier
 * batch's inserts.
 */
export class ThreadCaptureWriter implements CaptureWriter {
  readonly #worker: Worker;
  readonly #files: BodyFiles;
  readonly #waiting = new Map<number, { resolve(): void; reject(error: unknown): void }>();
  /** Settles once the last batch was handed to the thread (after its body files). */
  #sent: Promise<void> = Promise.resolve();
  #nextSeq = 0;
  #closed: Promise<void> | null = null;
  #broken: Error | null = null;

  constructor(path: string) {
    this.#files = new BodyFiles(bodyFilesDir(path));
    this.#worker = new Worker(CAPTURE_WRITER_SOURCE, {
      eval: true,
      workerData: { path, driver: driverPath, statements: STATEMENTS, bodiesDir: this.#files.dir },
      // It holds no data of its own between batches: a small heap keeps its RSS small.
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
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
    const bits = batch.rows.map(bodyFileBits);
    return new Promise((resolve, reject) => {
      const send = () => {
        if (this.#broken) return reject(this.#broken);
        this.#waiting.set(seq, { resolve, reject });
        const wire = toWireBatch(seq, batch.rows, bits, batch.evictUpTo);
        this.#worker.postMessage(wire, [wire.bodies]);
      };
      // No file to write (every webhook-sized batch): sent now, unless an earlier batch still writes its files.
      const files = bits.some(Boolean) ? this.#files.write(batch.rows, bits) : null;
      // Handled below, once the earlier batches are sent; not an unhandled rejection meanwhile.
      files?.catch(() => {});
      this.#sent = this.#sent.then(() => files).then(send, reject);
    });
  }

  close(): Promise<void> {
    this.#closed ??= this.#sent.then(
      () =>
        new Promise<void>((resolve) => {
          if (this.#broken) return resolve();
          this.#worker.ref();
          this.#worker.once('exit', () => resolve());
          this.#worker.postMessage({ close: true });
        }),
    );
    return this.#closed;
  }

  #settle(report: Report): void {
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
