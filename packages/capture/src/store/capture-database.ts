import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { CapturedBody, CaptureRecord } from '../types.js';
import { BodyFiles, bodyFilesDir, REQUEST_FILE, RESPONSE_FILE } from './body-files.js';
import { recordFromRow, type StoredRecordRow } from './capture-row.js';
import { migrateCaptureSchema } from './capture-schema.js';
import { type CaptureWriter, InlineCaptureWriter, ThreadCaptureWriter } from './capture-writer.js';
import { registerSearchFunctions, type SqlCondition, withInflateBudget } from './filter-sql.js';
import { corruptName } from './legacy-capture-file.js';

const DAMAGED = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);
/** Page size of a new capture database (see `#ready`). */
const PAGE_SIZE = 16 * 1024;

/**
 * What the store holds at open, column by column (one array per column, not an
 * object per row: 100 000 captures load in a third of the time), oldest first.
 */
export interface CaptureIndex {
  ids: number[];
  tunnels: string[];
  bytes: number[];
  /** Provider event keys of the captures that carry one (not replays), oldest first. */
  events: Array<[number, string]>;
}

export interface OpenedDatabase {
  database: CaptureDatabase;
  /** What it held at open. */
  index: CaptureIndex;
}

export interface DatabaseOpenOptions {
  readOnly: boolean;
  onWarning: (message: string) => void;
  now: () => Date;
}

const RECORD_COLUMNS =
  'd.listing, d.details, d.request_body AS requestBody, d.response_body AS responseBody, d.body_files AS bodyFiles';
const HEAD_COLUMNS = 'd.listing, d.details, NULL AS requestBody, NULL AS responseBody, 0 AS bodyFiles';

type RecordRow = StoredRecordRow & { bodyFiles: number };
/** Filters may name any column of either table. */
const BOTH = 'captures c JOIN capture_details d ON d.id = c.id';

function isDamaged(error: unknown): boolean {
  return DAMAGED.has((error as { code?: string }).code ?? '');
}

/** Create the file 0600 first: SQLite gives its -wal and -shm files the database's mode. */
function createPrivate(file: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}

/**
 * The capture log's SQLite database, as this thread sees it: reads (the listings
 * at open, a record with its bodies when a view or a replay needs it, filtered
 * queries) run on this connection; writes go through `writer()` (a worker thread
 * for a file, this connection for memory).
 */
export class CaptureDatabase {
  readonly file: string | null;
  readonly #db: Database.Database;
  /** Bodies of 128 KiB or more (body-files.ts); none for a store in memory. */
  readonly #files: BodyFiles | null;
  readonly #sql;

  private constructor(file: string | null, db: Database.Database) {
    this.file = file;
    this.#db = db;
    this.#files = file === null ? null : new BodyFiles(bodyFilesDir(file));
    registerSearchFunctions(db, this.#files);
    this.#sql = {
      ids: db.prepare('SELECT id FROM captures ORDER BY id').pluck(),
      tunnels: db.prepare('SELECT tunnel FROM captures ORDER BY id').pluck(),
      bytes: db.prepare('SELECT stored_bytes FROM captures ORDER BY id').pluck(),
      events: db
        .prepare("SELECT id, event_key FROM captures WHERE event_key IS NOT NULL AND origin != 'replay' ORDER BY id")
        .raw(),
      listing: db.prepare('SELECT listing FROM capture_details WHERE id = ?').pluck(),
      record: db.prepare(`SELECT ${RECORD_COLUMNS} FROM ${BOTH} WHERE c.id = ?`),
      maxId: db.prepare('SELECT max(id) FROM captures').pluck(),
    };
  }

  /**
   * Open (or create) the database. A file that is not a database, or whose
   * tables are damaged, is moved aside (`<file>.corrupt-<time>`, with its -wal and
   * -shm) with a warning and a fresh one is started: captures are a history, not
   * a promise to anyone. A read-only opener reports it and shows nothing.
   */
  static open(file: string | null, options: DatabaseOpenOptions): OpenedDatabase {
    const memory = () => CaptureDatabase.#ready(null, new Database(':memory:'));
    if (file === null) return memory();
    if (options.readOnly) {
      if (!existsSync(file)) return memory();
      try {
        return CaptureDatabase.#ready(file, new Database(file, { readonly: true, timeout: 5_000 }), true);
      } catch (error) {
        options.onWarning(`capture store ${file} is unreadable (${(error as Error).message}); showing no captures`);
        return memory();
      }
    }
    try {
      createPrivate(file);
      return CaptureDatabase.#ready(file, new Database(file, { timeout: 5_000 }));
    } catch (error) {
      if (!isDamaged(error)) throw error;
      const aside = corruptName(file, options.now());
      // Its body files go with it (`<aside>.bodies`): they belong to its rows, not the fresh one's.
      for (const suffix of ['-wal', '-shm', '.bodies']) {
        if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
      }
      renameSync(file, aside);
      options.onWarning(
        `capture store ${file} was unreadable (${(error as Error).message}); moved it to ${aside} and started a fresh one`,
      );
      createPrivate(file);
      return CaptureDatabase.#ready(file, new Database(file, { timeout: 5_000 }));
    }
  }

  /** Schema, then the index: a damaged table fails here, at open, and is handled there. */
  static #ready(file: string | null, db: Database.Database, readOnly = false): OpenedDatabase {
    try {
      if (!readOnly) {
        // Before anything is written (a no-op on an existing file): 16 KiB pages take
        // a third less of the writer's CPU per capture than 4 KiB ones (fewer WAL
        // frames, syscalls and b-tree splits for rows of a few KiB).
        db.pragma(`page_size = ${PAGE_SIZE}`);
        db.pragma('journal_mode = WAL');
        migrateCaptureSchema(db);
      } else if ((db.pragma('user_version', { simple: true }) as number) === 1) {
        // A history written before body files, read by a reader that may not migrate it:
        // a view in the connection's own temp schema (never on disk) shadows the table.
        db.exec('CREATE TEMP VIEW capture_details AS SELECT *, 0 AS body_files FROM main.capture_details');
      }
      const database = new CaptureDatabase(file, db);
      const index = database.loadIndex();
      // Before the first write: body files a crash left without a row, or a row without them.
      if (!readOnly) database.#files?.sweep(index.ids[0] ?? 1, index.ids.at(-1) ?? 0);
      return { database, index };
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** This connection, for the one-off import at open (before the writer starts). */
  get connection(): Database.Database {
    return this.#db;
  }

  /** Every capture's id, tunnel and cost against the byte bound, and the event keys. */
  loadIndex(): CaptureIndex {
    // One scan of the narrow table per column, each straight into a flat array: with
    // 100 000 captures 53 ms, against 142–201 ms stepping through the rows (one call
    // into the driver and one array per row). One read transaction: one snapshot,
    // even while the owner's writer commits.
    const sql = this.#sql;
    return this.#db.transaction(() => ({
      ids: sql.ids.all() as number[],
      tunnels: sql.tunnels.all() as string[],
      bytes: sql.bytes.all() as number[],
      events: sql.events.all() as Array<[number, string]>,
    }))();
  }

  /** One listing's JSON (see `StoredListing`); undefined once deleted. */
  listingJson(id: number): string | undefined {
    return this.#sql.listing.get(id) as string | undefined;
  }

  maxId(): number {
    return (this.#sql.maxId.get() as number | null) ?? 0;
  }

  /** One record with its headers and bodies; undefined when it is not stored. */
  record(id: number): CaptureRecord | undefined {
    const row = this.#sql.record.get(id) as RecordRow | undefined;
    return row && this.#withFileBodies(recordFromRow(id, row), row.bodyFiles);
  }

  /**
   * The bodies kept as files, read in. One that is gone (removed by hand, or
   * evicted by the owning process while this one looked) reads as not kept:
   * truncated, so replay and export refuse it as they refuse any truncated body.
   */
  #withFileBodies(record: CaptureRecord, bits: number): CaptureRecord {
    if (bits === 0 || this.#files === null) return record;
    const files = this.#files;
    const id = Number(record.id);
    const read = (body: CapturedBody, part: typeof REQUEST_FILE | typeof RESPONSE_FILE): CapturedBody => {
      const bytes = files.read(id, part);
      return bytes === null ? { ...body, truncated: true } : { ...body, bytes };
    };
    if (bits & REQUEST_FILE) record.request.body = read(record.request.body, REQUEST_FILE);
    if (bits & RESPONSE_FILE && record.response) record.response.body = read(record.response.body, RESPONSE_FILE);
    return record;
  }

  /** Ids matching a condition, newest first. */
  ids(condition: SqlCondition, limit = -1): number[] {
    const query = this.#db.prepare(`SELECT c.id FROM ${BOTH} WHERE ${condition.where} ORDER BY c.id DESC LIMIT ?`);
    return withInflateBudget(() => query.pluck().all(...condition.params, limit) as number[]);
  }

  /** Records matching a condition, newest first; `withBodies: false` reads no body bytes. */
  select(condition: SqlCondition, limit: number, withBodies: boolean): CaptureRecord[] {
    const query = this.#db.prepare(
      `SELECT c.id, ${withBodies ? RECORD_COLUMNS : HEAD_COLUMNS} FROM ${BOTH} WHERE ${condition.where} ORDER BY c.id DESC LIMIT ?`,
    );
    const rows = withInflateBudget(() => query.all(...condition.params, limit) as Array<RecordRow & { id: number }>);
    return rows.map((row) => this.#withFileBodies(recordFromRow(row.id, row, withBodies), row.bodyFiles));
  }

  /** The writer for this database: a worker thread for a file, this connection for memory. */
  writer(): CaptureWriter {
    return this.file === null || this.#db.readonly
      ? new InlineCaptureWriter(this.#db)
      : new ThreadCaptureWriter(this.file);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}
