import type { Database } from 'better-sqlite3';
import type { CaptureRow } from './capture-row.js';

/**
 * The capture log's schema, one migration per version (`PRAGMA user_version`).
 * Append a migration, never edit a published one.
 *
 * One row per exchange in `captures`: only the columns the filters and bounds
 * need, so the table stays narrow (~100 B a row) and opening a history of 100 000
 * scans a few MB. Everything else is in `capture_details`, same id: `listing` (the
 * JSON of what the inspector's list shows, read when a row is drawn), the headers
 * and the rest of the record (one JSON, `details`) and the bodies (BLOBs, last, so
 * reading the columns before them never touches their overflow pages). A 1 KiB
 * body, or even the listing, in the narrow table made that scan read it for every
 * capture. No secondary index: every filter is a scan of at most the history bound
 * (10 000 rows by default: milliseconds; 100 000 in tens of them), while each index
 * costs every insert and every eviction (measured: the tunnel index alone was ~10 %
 * of the writer's time).
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE captures (
     id INTEGER PRIMARY KEY,
     started_at REAL NOT NULL,
     tunnel TEXT NOT NULL,
     origin TEXT NOT NULL,
     method TEXT NOT NULL,
     path TEXT NOT NULL,
     status INTEGER,
     error_code TEXT,
     sig_status TEXT,
     event_key TEXT,
     duplicate_of INTEGER,
     stored_bytes INTEGER NOT NULL
   );
   CREATE TABLE capture_details (
     id INTEGER PRIMARY KEY,
     listing TEXT NOT NULL,
     details TEXT NOT NULL,
     request_encoding TEXT,
     response_encoding TEXT,
     request_body BLOB NOT NULL,
     response_body BLOB
   );`,
  // Bodies of 128 KiB or more are files beside the database (body-files.ts); bit 1
  // the request's, bit 2 the response's. Their BLOB columns are then empty.
  'ALTER TABLE capture_details ADD COLUMN body_files INTEGER NOT NULL DEFAULT 0;',
];

const CAPTURE_SCHEMA_VERSION = MIGRATIONS.length;

/** Run the migrations the file has not seen, in one transaction. */
export function migrateCaptureSchema(db: Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > CAPTURE_SCHEMA_VERSION) {
    throw new Error(`it was written by a newer hookline (schema ${version}, this one knows ${CAPTURE_SCHEMA_VERSION})`);
  }
  if (version === CAPTURE_SCHEMA_VERSION) return;
  db.transaction(() => {
    for (const sql of MIGRATIONS.slice(version)) db.exec(sql);
    db.pragma(`user_version = ${CAPTURE_SCHEMA_VERSION}`);
  })();
}

/** Positional parameters: `captureValues(row)`, in this order. */
export const INSERT_CAPTURE_SQL = `INSERT OR REPLACE INTO captures (
  id, started_at, tunnel, origin, method, path, status, error_code, sig_status, event_key, duplicate_of,
  stored_bytes
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Positional parameters: `detailValues(row)`, then `body_files` and the two bodies. */
export const INSERT_DETAILS_SQL = `INSERT OR REPLACE INTO capture_details (
  id, listing, details, request_encoding, response_encoding, body_files, request_body, response_body
) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

/** A row's `captures` values in `INSERT_CAPTURE_SQL`'s order. */
export function captureValues(row: CaptureRow): unknown[] {
  return [
    row.id,
    row.startedAt,
    row.tunnel,
    row.origin,
    row.method,
    row.path,
    row.status,
    row.errorCode,
    row.sigStatus,
    row.eventKey,
    row.duplicateOf,
    row.storedBytes,
  ];
}

/** A row's `capture_details` values before the bodies, in `INSERT_DETAILS_SQL`'s order. */
export function detailValues(row: CaptureRow): unknown[] {
  return [row.id, row.listing, row.details, row.requestEncoding, row.responseEncoding];
}

/** Eviction is oldest first, and ids only grow: one range delete per table. */
export const EVICT_CAPTURES_SQL = 'DELETE FROM captures WHERE id <= ?';
export const EVICT_DETAILS_SQL = 'DELETE FROM capture_details WHERE id <= ?';
/** The body files an eviction up to `?` leaves without a row (removed once it commits). */
export const EVICTED_FILES_SQL = 'SELECT id, body_files FROM capture_details WHERE id <= ? AND body_files != 0';
