import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CaptureRow } from './capture-row.js';

/**
 * Bodies this big or more are kept as files beside the database, not as BLOBs.
 * A BLOB goes through SQLite's page cache, the WAL and then the checkpoint, so
 * every byte is copied three or four times and written twice (measured: 3.1–3.3
 * ms of CPU per MiB against 1.3–1.9 ms for a file). The writer thread writes
 * the file from the batch buffer it was sent (capture-writer.ts says why there).
 * Below this, a file costs more than the BLOB (1 KiB: 55–293 µs against 9–11
 * µs), and webhooks are small.
 */
export const BODY_FILE_BYTES = 128 * 1024;

/** `body_files` bits: which of a row's bodies are files. */
export const REQUEST_FILE = 1;
export const RESPONSE_FILE = 2;

type Part = typeof REQUEST_FILE | typeof RESPONSE_FILE;

/** Whether a capture stored in `storedBytes` (bodies and heads) can have a body file at all. */
export function mayHaveBodyFile(storedBytes: number): boolean {
  return storedBytes >= BODY_FILE_BYTES;
}

/** Which of a row's bodies go to files (`body_files`). */
export function bodyFileBits(row: Pick<CaptureRow, 'requestBody' | 'responseBody'>): number {
  let bits = 0;
  if (row.requestBody.length >= BODY_FILE_BYTES) bits |= REQUEST_FILE;
  if (row.responseBody && row.responseBody.length >= BODY_FILE_BYTES) bits |= RESPONSE_FILE;
  return bits;
}

/** The folder of a database's body files: `captures.db` → `captures.db.bodies`. */
export function bodyFilesDir(databaseFile: string): string {
  return `${databaseFile}.bodies`;
}

/** `<id>.req` / `<id>.res`: the id alone names a file, so eviction and the sweep need no lookups. */
export function bodyFileName(id: number, part: Part): string {
  return `${id}.${part === REQUEST_FILE ? 'req' : 'res'}`;
}

const NAME = /^(\d{1,15})\.(req|res)$/;

/**
 * The big bodies of a capture log, one file each, named by capture id. Written
 * (by the writer thread) before the row that points at them is committed,
 * removed after the row is deleted, so a crash between the two leaves only files
 * whose id is outside the history, and `sweep()` at open removes those. This
 * side reads them and sweeps.
 */
export class BodyFiles {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  path(id: number, part: Part): string {
    return join(this.dir, bodyFileName(id, part));
  }

  /**
   * One body, or null when its file is gone (removed by hand, or evicted by the
   * owner while a reader looked): the caller shows it as not kept.
   */
  read(id: number, part: Part): Buffer | null {
    try {
      return readFileSync(this.path(id, part));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  /**
   * Remove every body file whose capture is not in the history [`minId`, `maxId`]:
   * files written for rows a crash kept from committing (their ids will be used
   * again), and files of rows evicted just before a crash. Runs at open, before
   * the first write.
   */
  sweep(minId: number, maxId: number): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      const match = NAME.exec(name);
      const id = match ? Number(match[1]) : Number.NaN;
      if (match && id >= minId && id <= maxId) continue;
      rmSync(join(this.dir, name), { force: true, recursive: true });
    }
  }
}
