import { chmodSync, closeSync, mkdirSync, openSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import Database from 'better-sqlite3';
import type { RelayLogger } from '../options.js';
import { migrate } from './queue-schema.js';
import { type CommitStats, type Durability, type QueueWrite, QueueWriter } from './queue-writer.js';
import { StoreStartError, storeUnavailable } from './store-errors.js';

export const QUEUE_DATABASE_FILE = 'queue.db';

/** One stored webhook as read back at open (the body stays in the database). */
export interface StoredDelivery {
  seq: number;
  id: string;
  tunnel: string;
  receivedAt: number;
  head: string;
  bodySize: number;
  attempts: number;
  /** null: failed, no more tries. */
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
}

export interface DeliveryState {
  attempts: number;
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
}

/** After a failed commit, this much more free space before a probe may call the store writable again. */
const RECOVERY_MARGIN_BYTES = 256 * 1024;

const DAMAGED = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE']);

/**
 * The relay's offline queue: one SQLite database per data dir (WAL,
 * `synchronous=FULL`), every tunnel's webhooks in one table in arrival order.
 * Writes go to the writer thread (`QueueWriter`: group commit, off the event
 * loop); a write's promise resolves only after its transaction is on disk, so a
 * 202 is never sent for a webhook that is not. Reads (the index at open, bodies
 * when delivered) use this thread's own connection. A damaged file is refused at
 * open (`PRAGMA quick_check`), never replaced.
 */
export class QueueDatabase {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #writer: QueueWriter;
  readonly #sql;
  #lastSeq: number;
  /**
   * Why the last commit failed, and the free space then; cleared by the next
   * commit that succeeds, or by a probe once space has grown (a tiny probe row can
   * fit where a webhook did not, so its success alone proves nothing).
   */
  #writeProblem: { message: string; freeAtFailure: number } | null = null;
  #probedAt = 0;

  private constructor(path: string, db: Database.Database, logger: RelayLogger) {
    this.path = path;
    this.#db = db;
    this.#writer = new QueueWriter(path, (ok, error) => {
      if (ok) {
        if (this.#writeProblem) logger.info({ file: path }, 'queue store writable again');
        this.#writeProblem = null;
        return;
      }
      // Logged when it starts failing, not once per refused webhook.
      if (!this.#writeProblem)
        logger.error(
          { file: path, err: String(error) },
          'QUEUE STORE CANNOT WRITE: webhooks refused with 507 E_STORE_UNAVAILABLE',
        );
      this.#writeProblem = { message: storeUnavailable(error).message, freeAtFailure: this.#freeBytes() };
    });
    this.#sql = {
      body: db.prepare('SELECT body, body_crc AS crc FROM deliveries WHERE seq = ?'),
      load: db.prepare(
        `SELECT seq, id, tunnel, received_at AS receivedAt, head, length(body) AS bodySize, attempts,
         next_attempt_at AS nextAttemptAt, last_status AS lastStatus, last_error AS lastError
         FROM deliveries WHERE tunnel = ? ORDER BY seq`,
      ),
      tunnels: db.prepare('SELECT DISTINCT tunnel FROM deliveries').pluck(),
    };
    this.#lastSeq = (db.prepare('SELECT max(seq) FROM deliveries').pluck().get() as number | null) ?? 0;
  }

  /** Open (or create) `<dataDir>/queue.db`; a damaged or unreadable file is a StoreStartError. */
  static open(dataDir: string, logger: RelayLogger): QueueDatabase {
    const path = join(dataDir, QUEUE_DATABASE_FILE);
    try {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      // SQLite gives its -wal and -shm files the database file's mode: create it 0600 first.
      closeSync(openSync(path, 'a', 0o600));
      chmodSync(path, 0o600);
    } catch (error) {
      throw new StoreStartError(path, `cannot open ${path}: ${(error as Error).message}`, { cause: error });
    }
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { timeout: 5_000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw Object.assign(new Error(String(check)), { code: 'SQLITE_CORRUPT' });
      migrate(db);
      return new QueueDatabase(path, db, logger);
    } catch (error) {
      db?.close();
      if (error instanceof StoreStartError) throw error;
      const code = (error as { code?: string }).code ?? '';
      // quick_check reports over several lines: the operator gets one.
      const reason = (error as Error).message.replace(/\s+/g, ' ').trim().slice(0, 240);
      if (DAMAGED.has(code)) {
        throw new StoreStartError(
          path,
          `the offline queue ${path} is damaged (${reason}): restore it from a backup, or move it aside` +
            ' (with its -wal and -shm files) to start with an empty queue',
          { cause: error },
        );
      }
      throw new StoreStartError(path, `cannot open the offline queue ${path}: ${reason}`, { cause: error });
    }
  }

  nextSeq(): number {
    this.#lastSeq += 1;
    return this.#lastSeq;
  }

  tunnels(): string[] {
    return this.#sql.tunnels.all() as string[];
  }

  load(tunnel: string): StoredDelivery[] {
    return this.#sql.load.all(tunnel) as StoredDelivery[];
  }

  /** Store a webhook; resolves once committed, rejects with E_STORE_UNAVAILABLE when it could not be. */
  insert(row: { seq: number; id: string; tunnel: string; receivedAt: number; head: string; body: Buffer }) {
    return this.#write({ op: 'insert', row }, 'durable');
  }

  /** Attempts and next try: losing one in a power cut costs an extra try, so no fsync of its own. */
  saveState(seq: number, state: DeliveryState): Promise<void> {
    return this.#write({ op: 'state', row: { seq, ...state } }, 'relaxed');
  }

  /** After an ack or a drop: losing it in a power cut costs one redelivery, so no fsync of its own. */
  remove(seq: number): Promise<void> {
    return this.#write({ op: 'remove', row: { seq } }, 'relaxed');
  }

  /** A stored body, or null when it is gone or fails its checksum (a damaged record). */
  body(seq: number): Buffer | null {
    const row = this.#sql.body.get(seq) as { body: Buffer; crc: number } | undefined;
    if (!row || crc32(row.body) !== row.crc) return null;
    return row.body;
  }

  /**
   * Whether the store can write now. While healthy this is known from the last
   * commit; it is also proven by a tiny committed write at most once a second, so
   * a disk that filled up while nothing was stored still makes readyz fail.
   */
  async writable(now = Date.now()): Promise<{ ok: boolean; problem: string | null }> {
    if (now - this.#probedAt >= 1_000) {
      this.#probedAt = now;
      const problem = this.#writeProblem;
      if (!problem || this.#freeBytes() >= problem.freeAtFailure + RECOVERY_MARGIN_BYTES) {
        // A durable commit of its own; its outcome updates #writeProblem like any commit.
        await this.#writer.write({ op: 'probe' }, 'durable').catch(() => {});
      }
    }
    return { ok: this.#writeProblem === null, problem: this.#writeProblem?.message ?? null };
  }

  /** Free bytes on the database's filesystem (for an unprivileged user); +Infinity if unknown. */
  #freeBytes(): number {
    try {
      const stats = statfsSync(this.path);
      return stats.bavail * stats.bsize;
    } catch {
      return Number.POSITIVE_INFINITY;
    }
  }

  get commitStats(): CommitStats {
    return { ...this.#writer.stats };
  }

  /** Commit what was sent, then close both connections. */
  async close(): Promise<void> {
    await this.#writer.close();
    if (this.#db.open) this.#db.close();
  }

  async #write(write: QueueWrite, durability: Durability): Promise<void> {
    try {
      await this.#writer.write(write, durability);
    } catch (error) {
      if ((error as { code?: string }).code === 'E_STORE_UNAVAILABLE') throw error;
      throw storeUnavailable(error);
    }
  }
}
