import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { HooklineError } from '@hookline/protocol';
import { QUEUE_WRITER_SOURCE } from './queue-writer-source.js';
import { storeUnavailable } from './store-errors.js';

/**
 * `durable`: the caller answers someone once this is on disk (a 202), so its commit
 * fsyncs. `relaxed`: losing it in a power cut is harmless (an ack means one
 * redelivery, an attempt count one more try), so it needs no fsync of its own.
 */
export type Durability = 'durable' | 'relaxed';

export type QueueWrite =
  | { op: 'insert'; row: { seq: number; id: string; tunnel: string; receivedAt: number; head: string; body: Buffer } }
  | {
      op: 'state';
      row: {
        seq: number;
        attempts: number;
        nextAttemptAt: number | null;
        lastStatus: number | null;
        lastError: string | null;
      };
    }
  | { op: 'remove'; row: { seq: number } }
  | { op: 'probe' };

/** Commits and the time they took in the writer thread; the event loop only posts messages. */
export interface CommitStats {
  commits: number;
  writes: number;
  /** Milliseconds the writer thread spent in commits (not the relay's event loop). */
  totalMs: number;
  maxMs: number;
}

interface CommitReport {
  done?: number[];
  ok?: boolean;
  code?: string | null;
  message?: string | null;
  ms?: number;
  closed?: boolean;
}

const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * The queue database's one writer, on a worker thread (`queue-writer-source.ts`).
 * With `synchronous=FULL` every commit is an fsync; on the event loop that held the
 * relay for 0.6–6 ms per commit here (measured at c=1 and c=32, more under load),
 * during which no request was read. In the thread, the loop only posts a message,
 * and writes that arrive while a commit runs form the next batch — group commit
 * without a timer. Reads stay on the main thread's own connection (WAL lets both).
 */
export class QueueWriter {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { resolve(): void; reject(error: unknown): void }>();
  readonly #onCommit: (ok: boolean, error?: unknown) => void;
  #nextSeq = 0;
  #closed: Promise<void> | null = null;
  #broken: Error | null = null;
  readonly stats: CommitStats = { commits: 0, writes: 0, totalMs: 0, maxMs: 0 };

  constructor(path: string, onCommit: (ok: boolean, error?: unknown) => void) {
    this.#onCommit = onCommit;
    this.#worker = new Worker(QUEUE_WRITER_SOURCE, { eval: true, workerData: { path, driver: driverPath } });
    // Never keeps the process alive: a relay that is done exits even if close() was skipped.
    this.#worker.unref();
    this.#worker.on('message', (report: CommitReport) => this.#settle(report));
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', (code) => {
      if (!this.#closed) this.#fail(new Error(`the queue writer thread exited (${code})`));
    });
  }

  /** Queue one write for the writer thread's next commit; resolves once it has committed. */
  write(write: QueueWrite, durability: Durability): Promise<void> {
    if (this.#closed) return Promise.reject(new HooklineError('E_STORE_UNAVAILABLE', 'the queue store is closed'));
    if (this.#broken) return Promise.reject(storeUnavailable(this.#broken));
    const seq = ++this.#nextSeq;
    return new Promise((resolve, reject) => {
      this.#waiting.set(seq, { resolve, reject });
      this.#worker.postMessage({ ...write, seq, durable: durability === 'durable' });
    });
  }

  /** Commit what was sent, stop the thread; resolves when its connection is closed. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      if (this.#broken) return resolve();
      // Held open until the thread has committed the last batch and closed its connection.
      this.#worker.ref();
      this.#worker.once('exit', () => resolve());
      this.#worker.postMessage({ op: 'close' });
    });
    return this.#closed;
  }

  #settle(report: CommitReport): void {
    if (report.closed || !report.done) return;
    const ms = report.ms ?? 0;
    this.stats.commits += 1;
    this.stats.writes += report.done.length;
    this.stats.totalMs += ms;
    this.stats.maxMs = Math.max(this.stats.maxMs, ms);
    const error = report.ok ? null : Object.assign(new Error(report.message ?? 'commit failed'), { code: report.code });
    this.#onCommit(error === null, error ?? undefined);
    for (const seq of report.done) {
      const waiter = this.#waiting.get(seq);
      this.#waiting.delete(seq);
      if (error) waiter?.reject(error);
      else waiter?.resolve();
    }
  }

  #fail(error: Error): void {
    this.#broken = error;
    this.#onCommit(false, error);
    for (const waiter of this.#waiting.values()) waiter.reject(error);
    this.#waiting.clear();
  }
}
