import type { Database } from 'better-sqlite3';

/**
 * The queue database's schema, one migration per version (`PRAGMA user_version`).
 * Append a migration, never edit a published one: a relay upgraded in place runs
 * the ones its file has not seen, in one transaction.
 */
const MIGRATIONS: readonly string[] = [
  // 1: deliveries in arrival order (seq), state in the same row; NULL next_attempt_at = failed.
  `CREATE TABLE deliveries (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     tunnel TEXT NOT NULL,
     received_at INTEGER NOT NULL,
     head TEXT NOT NULL,
     body BLOB NOT NULL,
     body_crc INTEGER NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     next_attempt_at INTEGER DEFAULT 0,
     last_status INTEGER,
     last_error TEXT
   ) STRICT;
   CREATE INDEX deliveries_by_tunnel ON deliveries (tunnel, seq);
   CREATE TABLE probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL) STRICT;`,
];

const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`it was written by a newer hookline (schema ${version}, this one knows ${SCHEMA_VERSION})`);
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    for (const sql of MIGRATIONS.slice(version)) db.exec(sql);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
