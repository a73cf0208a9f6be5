import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type Adapter, Low, Memory } from 'lowdb';
import { readStoreData } from './read-store-data.js';
import { recordBytes } from './record-size.js';
import { StoreFile } from './store-file.js';
import { type CaptureStoreOptions, type ResolvedStoreOptions, resolveStoreOptions } from './store-options.js';
import type { CaptureDraft, CaptureRecord, StoreData } from './types.js';

export type CaptureListener = (record: CaptureRecord) => void;

/** Write budget: about 4 MB of store file per second. */
const WRITE_BYTES_PER_MS = 4_000;

/** Duplicate detection key of a record, or null when it carries no provider event id. */
function eventKey(record: CaptureRecord): string | null {
  return record.event ? `${record.event.provider}\u0000${record.event.id}` : null;
}

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
  /** Oldest first from `#head`; evicted records before it are dropped in batches (see `list()`). */
  #captures: CaptureRecord[] = [];
  #head = 0;
  readonly #sizes = new WeakMap<CaptureRecord, number>();
  /** Provider event key → ids of the stored deliveries of that event, oldest first (duplicate marks). */
  readonly #byEvent = new Map<string, string[]>();
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
    if (resolved.file !== null && !resolved.readOnly)
      await mkdir(dirname(resolved.file), { recursive: true, mode: 0o700 });
    const adapter = resolved.file === null ? new Memory<StoreData>() : new StoreFile(resolved.file);
    const store = new CaptureStore(resolved, adapter);
    const data = await readStoreData(store.#db, resolved);
    store.#load(data);
    return store;
  }

  #load(data: StoreData): void {
    this.#nextId = data.nextId;
    for (const record of data.captures) this.#insert(record);
    // Bounds may have been lowered since the file was written.
    if (this.#evict()) this.#markDirty();
  }

  /** Records, oldest first. The array is live: do not mutate it. */
  list(): readonly CaptureRecord[] {
    if (this.#head > 0) {
      this.#captures = this.#captures.slice(this.#head);
      this.#head = 0;
    }
    return this.#captures;
  }

  get(id: string): CaptureRecord | undefined {
    return this.#byId.get(id);
  }

  get size(): number {
    return this.#captures.length - this.#head;
  }

  /** Stored bytes counted against `maxBytes`. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Store a new exchange; returns it with its id. Listeners hear about it at once. */
  add(draft: CaptureDraft): CaptureRecord {
    if (this.#options.readOnly) throw new Error('this capture store was opened read-only');
    if (this.#closed) throw new Error('this capture store is closed');
    const annotated = this.#options.annotate ? this.#options.annotate(draft) : draft;
    const record: CaptureRecord = { id: String(this.#nextId++), ...annotated };
    const first = record.origin === 'replay' ? undefined : this.#byEvent.get(eventKey(record) ?? '')?.[0];
    if (first !== undefined) record.duplicateOf = first;
    this.#insert(record);
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

  #insert(record: CaptureRecord): void {
    const size = recordBytes(record);
    this.#captures.push(record);
    this.#sizes.set(record, size);
    this.#byId.set(record.id, record);
    this.#bytes += size;
    // Replays re-send an event on purpose: only deliveries from the provider count as "seen".
    const key = record.origin === 'replay' ? null : eventKey(record);
    if (key !== null) {
      const ids = this.#byEvent.get(key);
      if (ids) ids.push(record.id);
      else this.#byEvent.set(key, [record.id]);
    }
  }

  /**
   * Drop the oldest records past either bound (the newest one always stays). Only
   * the head index moves here; the array is compacted later, once per `list()`,
   * so an add at the bound costs O(1), not a shift of the whole history.
   */
  #evict(): boolean {
    const { maxCount, maxBytes } = this.#options;
    const before = this.#head;
    while (this.size > 1 && (this.size > maxCount || this.#bytes > maxBytes)) {
      const old = this.#captures[this.#head] as CaptureRecord;
      this.#bytes -= this.#sizes.get(old) ?? 0;
      this.#byId.delete(old.id);
      // Eviction is oldest first, so an evicted delivery is at the front of its event's list.
      const key = eventKey(old);
      const ids = key === null ? undefined : this.#byEvent.get(key);
      if (ids?.[0] === old.id) ids.shift();
      if (key !== null && ids?.length === 0) this.#byEvent.delete(key);
      this.#head += 1;
    }
    return this.#head !== before;
  }

  #markDirty(): void {
    if (this.#options.readOnly) return;
    this.#dirty = true;
    if (this.#timer || this.#closed) return;
    // Space writes by what the last one cost: ≤ ~10 % of the event loop, and at
    // most ~4 MB/s rewritten, so a big history under load is not rewritten 4×/s.
    const last = this.#adapter instanceof StoreFile ? this.#adapter : null;
    const cost = last ? Math.max(last.lastStringifyMs * 10, last.lastLength / WRITE_BYTES_PER_MS) : 0;
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
      this.#db.data = { version: 1, nextId: this.#nextId, captures: this.list() as CaptureRecord[] };
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
