import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Adapter, Low, Memory } from 'lowdb';
import { CompactJsonFile } from './compact-json-file.js';
import { readStoreData } from './read-store-data.js';
import { recordBytes } from './record-size.js';
import { type CaptureStoreOptions, type ResolvedStoreOptions, resolveStoreOptions } from './store-options.js';
import type { CaptureDraft, CaptureRecord, StoreData } from './types.js';

export type CaptureListener = (record: CaptureRecord) => void;

const emptyData = (): StoreData => ({ version: 1, nextId: 1, captures: [] });

/**
 * The capture history: an in-memory list (oldest first) mirrored to one lowdb
 * file. `add()` is synchronous and cheap; the file is rewritten later, at most
 * once per `flushDelayMs`, so forwarding never waits for the disk.
 */
export class CaptureStore {
  readonly #options: ResolvedStoreOptions;
  readonly #db: Low<StoreData>;
  readonly #adapter: Adapter<StoreData>;
  readonly #byId = new Map<string, CaptureRecord>();
  readonly #listeners = new Set<CaptureListener>();
  #captures: CaptureRecord[] = [];
  #nextId = 1;
  #bytes = 0;
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #writeFailed = false;
  #closed = false;

  private constructor(options: ResolvedStoreOptions, adapter: Adapter<StoreData>) {
    this.#options = options;
    this.#adapter = adapter;
    this.#db = new Low(adapter, emptyData());
  }

  /**
   * Open (or create) a store. A corrupt file is moved aside as
   * `<file>.corrupt-<timestamp>` with a warning, and the store starts empty.
   *
   * @example
   * const store = await CaptureStore.open({ file: join(defaultDataDir(process.env), STORE_FILE) });
   * store.subscribe((record) => console.log(record.id, record.request.path));
   */
  static async open(options: CaptureStoreOptions): Promise<CaptureStore> {
    const resolved = resolveStoreOptions(options);
    if (resolved.file !== null && !resolved.readOnly) await mkdir(dirname(resolved.file), { recursive: true });
    const adapter = resolved.file === null ? new Memory<StoreData>() : new CompactJsonFile<StoreData>(resolved.file);
    const store = new CaptureStore(resolved, adapter);
    const data = await readStoreData(store.#db, resolved);
    store.#load(data);
    return store;
  }

  #load(data: StoreData): void {
    this.#nextId = data.nextId;
    for (const record of data.captures) {
      this.#captures.push(record);
      this.#byId.set(record.id, record);
      this.#bytes += recordBytes(record);
    }
    // Bounds may have been lowered since the file was written.
    if (this.#evict()) this.#markDirty();
  }

  /** Records, oldest first. The array is live: do not mutate it. */
  list(): readonly CaptureRecord[] {
    return this.#captures;
  }

  get(id: string): CaptureRecord | undefined {
    return this.#byId.get(id);
  }

  get size(): number {
    return this.#captures.length;
  }

  /** Stored bytes counted against `maxBytes`. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Store a new exchange; returns it with its id. Listeners hear about it at once. */
  add(draft: CaptureDraft): CaptureRecord {
    if (this.#options.readOnly) throw new Error('this capture store was opened read-only');
    if (this.#closed) throw new Error('this capture store is closed');
    const record: CaptureRecord = { id: String(this.#nextId++), ...draft };
    this.#captures.push(record);
    this.#byId.set(record.id, record);
    this.#bytes += recordBytes(record);
    this.#evict();
    this.#markDirty();
    for (const listener of this.#listeners) listener(record);
    return record;
  }

  /** Hear about every added record; returns the unsubscribe function. */
  subscribe(listener: CaptureListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Drop the oldest records past either bound (the newest one always stays). */
  #evict(): boolean {
    let drop = 0;
    let bytes = this.#bytes;
    const { maxCount, maxBytes } = this.#options;
    while (this.#captures.length - drop > 1 && (this.#captures.length - drop > maxCount || bytes > maxBytes)) {
      const old = this.#captures[drop] as CaptureRecord;
      bytes -= recordBytes(old);
      this.#byId.delete(old.id);
      drop += 1;
    }
    if (drop === 0) return false;
    this.#captures.splice(0, drop);
    this.#bytes = bytes;
    return true;
  }

  #markDirty(): void {
    if (this.#options.readOnly) return;
    this.#dirty = true;
    if (this.#timer || this.#closed) return;
    // Space writes by what the last one cost on the event loop (≤ ~10 % of it).
    const cost = this.#adapter instanceof CompactJsonFile ? this.#adapter.lastStringifyMs * 10 : 0;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        void this.flush();
      },
      Math.max(this.#options.flushDelayMs, cost),
    );
    this.#timer.unref();
  }

  /** Write pending changes now; resolves once they are on disk. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#dirty) {
      this.#dirty = false;
      this.#db.data = { version: 1, nextId: this.#nextId, captures: this.#captures };
      this.#writing = this.#writing.then(() => this.#db.write()).catch((error: Error) => this.#onWriteError(error));
    }
    return this.#writing;
  }

  #onWriteError(error: Error): void {
    this.#dirty = true;
    if (this.#writeFailed) return;
    this.#writeFailed = true;
    this.#options.onWarning(`captures could not be saved to ${this.#options.file}: ${error.message}`);
  }

  /** Flush and stop; later `add()` calls throw. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    this.#listeners.clear();
  }
}
