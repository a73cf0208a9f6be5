import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileDurably } from './durable-file.js';

/** Where one record sits in the log file. */
export interface RecordRef {
  offset: number;
  length: number;
}

/** Raised when a log has an unreadable record before its last one. */
export class CorruptLogError extends Error {
  constructor(path: string, line: number) {
    super(`${path}: record ${line} is not valid JSON`);
    this.name = 'CorruptLogError';
  }
}

interface PendingWrite {
  data: Buffer;
  resolve: (ref: RecordRef) => void;
  reject: (error: unknown) => void;
}

/**
 * An append-only file of JSON lines, fsync'd before an append resolves. Appends
 * that arrive while a write is under way are committed together (group commit):
 * one write + one fsync for the batch, so throughput grows with load instead of
 * paying one fsync per record. A torn last line (crash mid-write) is cut off on
 * open; any other unreadable line is corruption.
 */
export class AppendLog {
  readonly path: string;
  #file: FileHandle;
  #size: number;
  #queue: PendingWrite[] = [];
  #writing = false;
  #exclusive: Promise<void> = Promise.resolve();

  private constructor(path: string, file: FileHandle, size: number) {
    this.path = path;
    this.#file = file;
    this.#size = size;
  }

  /** Open (or create) the log and hand every stored record to `onRecord`, in order. */
  static async open(path: string, onRecord: (record: unknown, ref: RecordRef) => void): Promise<AppendLog> {
    await mkdir(dirname(path), { recursive: true });
    let content: Buffer;
    try {
      content = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      content = Buffer.alloc(0);
    }
    let offset = 0;
    let line = 0;
    while (offset < content.length) {
      const end = content.indexOf(0x0a, offset);
      line += 1;
      if (end === -1) break; // torn tail: never acknowledged, cut below
      let record: unknown;
      try {
        record = JSON.parse(content.subarray(offset, end).toString('utf8'));
      } catch {
        throw new CorruptLogError(path, line);
      }
      onRecord(record, { offset, length: end + 1 - offset });
      offset = end + 1;
    }
    const file = await open(path, 'a+', 0o600);
    if (offset < content.length) {
      await file.truncate(offset);
      await file.sync();
    }
    return new AppendLog(path, file, offset);
  }

  get size(): number {
    return this.#size;
  }

  /** Append one record; resolves once it is on disk. */
  append(record: object): Promise<RecordRef> {
    const data = Buffer.from(`${JSON.stringify(record)}\n`);
    return new Promise((resolve, reject) => {
      this.#queue.push({ data, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  /** Read back the record at `ref`. */
  async read(ref: RecordRef): Promise<unknown> {
    const buffer = Buffer.allocUnsafe(ref.length);
    await this.#file.read(buffer, 0, ref.length, ref.offset);
    return JSON.parse(buffer.toString('utf8'));
  }

  /** Raw bytes of the record at `ref` (for compaction). */
  async readRaw(ref: RecordRef): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(ref.length);
    await this.#file.read(buffer, 0, ref.length, ref.offset);
    return buffer;
  }

  /**
   * Replace the whole log with `lines` (each a complete record with its newline),
   * durably, between appends. Resolves with the new position of each line.
   */
  rewrite(lines: Buffer[]): Promise<RecordRef[]> {
    const run = this.#exclusive.then(async () => {
      while (this.#writing) await new Promise((resolve) => setImmediate(resolve));
      this.#writing = true;
      try {
        await writeFileDurably(this.path, Buffer.concat(lines));
        await this.#file.close();
        this.#file = await open(this.path, 'a+', 0o600);
        const refs: RecordRef[] = [];
        let offset = 0;
        for (const line of lines) {
          refs.push({ offset, length: line.length });
          offset += line.length;
        }
        this.#size = offset;
        return refs;
      } finally {
        this.#writing = false;
        if (this.#queue.length > 0) void this.#drain();
      }
    });
    this.#exclusive = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  async close(): Promise<void> {
    while (this.#writing || this.#queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
    await this.#file.close();
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        const data = batch.length === 1 ? (batch[0] as PendingWrite).data : Buffer.concat(batch.map((w) => w.data));
        try {
          await this.#file.write(data, 0, data.length);
          await this.#file.sync();
        } catch (error) {
          for (const write of batch) write.reject(error);
          continue;
        }
        let offset = this.#size;
        for (const write of batch) {
          write.resolve({ offset, length: write.data.length });
          offset += write.data.length;
        }
        this.#size = offset;
      }
    } finally {
      this.#writing = false;
    }
  }
}
