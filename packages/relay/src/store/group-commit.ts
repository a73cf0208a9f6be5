import type { Database } from 'better-sqlite3';

interface PendingWrite {
  run(): void;
  resolve(): void;
  reject(error: unknown): void;
}

/** How long commits held the event loop (the "≤ ~1 ms per commit" question). */
export interface CommitStats {
  commits: number;
  writes: number;
  totalMs: number;
  maxMs: number;
}

/**
 * Group commit over a synchronous SQLite connection: every write submitted during
 * one event-loop turn runs in one transaction at the next `setImmediate`, so one
 * fsync covers them all, and each caller's promise settles only once that
 * transaction has committed (or failed: then every write of the batch rejected and
 * nothing of it is on disk).
 *
 * Why not one transaction per write: with `synchronous=FULL` each commit is an
 * fsync (~0.6 ms here), which caps a queue at ~1 600 webhooks/s and holds the loop
 * for each; 32 senders then wait on 32 fsyncs instead of one.
 */
export class GroupCommit {
  readonly #db: Database;
  readonly #onCommit: (ok: boolean, error?: unknown) => void;
  #pending: PendingWrite[] = [];
  #scheduled = false;
  readonly stats: CommitStats = { commits: 0, writes: 0, totalMs: 0, maxMs: 0 };

  constructor(db: Database, onCommit: (ok: boolean, error?: unknown) => void) {
    this.#db = db;
    this.#onCommit = onCommit;
  }

  /** Queue `run` (synchronous statements) for the next commit; resolves once it is durable. */
  submit(run: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ run, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  /** Commit whatever is waiting now (also used on close). */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    const started = performance.now();
    try {
      this.#db.transaction(() => {
        for (const write of batch) write.run();
      })();
    } catch (error) {
      this.#onCommit(false, error);
      for (const write of batch) write.reject(error);
      return;
    } finally {
      const ms = performance.now() - started;
      this.stats.commits += 1;
      this.stats.writes += batch.length;
      this.stats.totalMs += ms;
      this.stats.maxMs = Math.max(this.stats.maxMs, ms);
    }
    this.#onCommit(true);
    for (const write of batch) write.resolve();
  }
}
