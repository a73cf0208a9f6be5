import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCK_FILE } from './paths.js';

/** Who holds a data dir's store, and how to reach it. */
export interface LockOwner {
  pid: number;
  /** Control endpoint on 127.0.0.1 (`hookline http`); null for a short-lived command. */
  port: number | null;
  /** Bearer token for the control endpoint (the lock file is 0600). */
  token: string;
  startedAt: number;
}

export interface StoreLock {
  readonly owner: LockOwner;
  /** Remove the lock file (only if it is still ours). */
  release(): Promise<void>;
}

export type LockAttempt = { acquired: true; lock: StoreLock } | { acquired: false; owner: LockOwner | null };

/** A lock file written this recently may still be half-written, not stale. */
const FRESH_MS = 5_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseOwner(text: string): LockOwner | null {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid !== 'number' || typeof value.token !== 'string') return null;
    return { pid: value.pid, port: value.port ?? null, token: value.token, startedAt: value.startedAt ?? 0 };
  } catch {
    return null;
  }
}

/**
 * The live holder of `dir`'s lock, if any. `stale` means a lock file is there but
 * its process is gone (or it has been unreadable for a while); an unreadable
 * fresh one is `{ owner: null, stale: false }`: someone is writing it right now.
 */
export async function readStoreLock(dir: string): Promise<{ owner: LockOwner | null; stale: boolean }> {
  const path = join(dir, LOCK_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { owner: null, stale: false };
    throw error;
  }
  const owner = parseOwner(text);
  if (owner) return alive(owner.pid) ? { owner, stale: false } : { owner: null, stale: true };
  const age = Date.now() - (await stat(path).catch(() => ({ mtimeMs: 0 }))).mtimeMs;
  return { owner: null, stale: age > FRESH_MS };
}

/**
 * Take the single-writer lock of a data dir: `hookline.lock`, created exclusively.
 * A lock whose process is gone is moved away and taken over. Never waits: a live
 * holder is returned for the caller to talk to (or to wait for).
 */
export async function acquireStoreLock(dir: string, options: { port?: number | null } = {}): Promise<LockAttempt> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    port: options.port ?? null,
    token: randomBytes(18).toString('base64url'),
    startedAt: Date.now(),
  };
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await writeFile(path, JSON.stringify(owner), { flag: 'wx', mode: 0o600 });
      return { acquired: true, lock: { owner, release: () => releaseLock(path, owner) } };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = await readStoreLock(dir);
    if (!current.stale) return { acquired: false, owner: current.owner };
    // Rename rather than unlink: of two processes racing to clear it, only one succeeds.
    await rename(path, `${path}.stale-${process.pid}`).then(
      () => unlink(`${path}.stale-${process.pid}`),
      () => {},
    );
  }
  return { acquired: false, owner: null };
}

async function releaseLock(path: string, owner: LockOwner): Promise<void> {
  const text = await readFile(path, 'utf8').catch(() => '');
  if (parseOwner(text)?.token === owner.token) await unlink(path).catch(() => {});
}
