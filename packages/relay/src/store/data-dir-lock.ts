import { chmodSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreStartError } from './store-errors.js';

const LOCK_FILE = 'relay.lock';
const PID_FILE = 'relay.pid';

/** Held for the relay's lifetime; `release()` on close. */
export interface DataDirLock {
  release(): void;
}

/**
 * One relay per data dir. The lock is an exclusive SQLite transaction held open on
 * `relay.lock` for the relay's life: the OS drops it when the process dies, even
 * by kill -9, so there is never a stale lock to clean up by hand (a pid file alone
 * can't tell a live owner from a dead one whose pid was reused). `relay.pid` only
 * says who holds it.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  // First thing a relay does with its data dir: create it owner-only (tokens, names and
  // queued webhooks are nobody else's business); an existing one keeps the operator's mode.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, LOCK_FILE);
  const pidPath = join(dataDir, PID_FILE);
  const key = realpathSync(dataDir);
  // Two relays in one process (tests, an embedding app): a second connection to the
  // lock file would drop this process's OS lock when it closes, so refuse from memory.
  if (heldHere.has(key)) throw inUse(path, dataDir, pidPath);
  let db: Database.Database | undefined;
  try {
    // Never open the lock file with our own fd: closing any fd of a file drops the
    // process's POSIX locks on it. SQLite creates it; it holds only a pid anyway.
    db = new Database(path, { timeout: 0 });
    chmodSync(path, 0o600);
    // A write inside the transaction: SQLite takes the OS lock on an empty file only once it writes.
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
    db.exec('BEGIN EXCLUSIVE');
    db.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid);
  } catch (error) {
    db?.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') throw inUse(path, dataDir, pidPath, error);
    throw new StoreStartError(path, `cannot lock data dir ${dataDir}: ${(error as Error).message}`, { cause: error });
  }
  writeFileSync(pidPath, `${process.pid}\n`, { mode: 0o600 });
  heldHere.add(key);
  const held = db;
  return {
    release() {
      if (!held.open) return;
      held.exec('ROLLBACK');
      held.close();
      heldHere.delete(key);
    },
  };
}

/** Data dirs locked by this process (real paths). */
const heldHere = new Set<string>();

function inUse(path: string, dataDir: string, pidPath: string, cause?: unknown): StoreStartError {
  return new StoreStartError(
    path,
    `data dir ${dataDir} is in use by pid ${holderPid(pidPath)}: stop that relay, or give this one another --data-dir`,
    { cause },
  );
}

function holderPid(pidPath: string): string {
  try {
    return readFileSync(pidPath, 'utf8').trim() || 'unknown';
  } catch {
    return 'unknown';
  }
}
