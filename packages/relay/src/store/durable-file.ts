import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

/**
 * Replace `path` so that after this resolves the new content survives a power
 * cut: write a temp file, fsync it, rename over the target, fsync the directory.
 * (steno, lowdb's default writer, renames without fsync.)
 */
async function writeFileDurably(path: string, data: string | Buffer): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  const file = await open(temp, 'wx', 0o600);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A file whose content is not what the store expects; the caller decides what to do. */
export class CorruptFileError extends Error {
  readonly path: string;
  constructor(path: string, cause: unknown) {
    super(`${path} is not valid JSON`, { cause });
    this.name = 'CorruptFileError';
    this.path = path;
  }
}

/**
 * lowdb adapter for durable JSON: missing file → null, unparsable file →
 * CorruptFileError, writes go through `writeFileDurably` **one at a time, in the
 * order they were asked for** (steno's guarantee, which a bare temp+rename per
 * write loses: two overlapping writes could rename in either order and leave the
 * older document). Each write's snapshot is taken when it is asked for.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  readonly #path: string;
  #last: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.#path = path;
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new CorruptFileError(this.#path, error);
    }
  }

  write(data: T): Promise<void> {
    const text = `${JSON.stringify(data, null, 2)}\n`;
    const written = this.#last.then(() => writeFileDurably(this.#path, text));
    // The chain goes on after a failed write; that write's caller gets the error.
    this.#last = written.catch(() => {});
    return written;
  }
}
