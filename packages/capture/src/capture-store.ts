import { dirname, join } from 'node:path';
import { parseFilter, tunnelOf } from './filter.js';
import { LEGACY_STORE_FILE } from './paths.js';
import { CaptureDatabase } from './store/capture-database.js';
import { type CaptureRow, eventKey, recordFromRow, toRow } from './store/capture-row.js';
import type { CaptureWriter } from './store/capture-writer.js';
import { filterSql } from './store/filter-sql.js';
import { importLegacyCaptures } from './store/import-legacy.js';
import { StoredListing } from './store/stored-listing.js';
import { type CaptureStoreOptions, type ResolvedStoreOptions, resolveStoreOptions } from './store-options.js';
import type { CaptureDraft, CapturedBody, CaptureListing, CaptureRecord } from './types.js';

const EMPTY = Buffer.alloc(0);

function bodyBytesOf(record: CaptureRecord): number {
  return record.request.body.bytes.length + (record.response?.body.bytes.length ?? 0);
}

export type CaptureListener = (listing: CaptureListing) => void;

export interface CaptureQuery {
  /** Filter language of `parseFilter`; a bad query throws `E_BAD_FILTER`. */
  filter?: string;
  /** Only this tunnel's captures unless the filter names a `tunnel:` (`tunnel:*` for all). @default all */
  tunnel?: string | null;
  /** Newest first, at most this many. @default all */
  limit?: number;
  /** Leave body bytes out (sizes and flags stay). @default false */
  withoutBodies?: boolean;
}

/** Records that could not be saved are kept for a retry up to this many bytes, then dropped. */
const MAX_UNSAVED_BYTES = 64 * 1024 * 1024;
/**
 * A batch is sent at once when its bodies reach this much, not after the delay:
 * with 1 MiB uploads, 100 ms of them would otherwise sit in memory (and be copied
 * to the writer) tens of MiB at a time; here one upload is a batch.
 */
const MAX_BATCH_BYTES = 1024 * 1024;
/**
 * Body bytes handed to the writer and not yet committed, at most. Past it (uploads
 * arriving faster than the disk takes them), a capture is kept without its bodies
 * (sizes kept, `truncated`), so memory stays bounded whatever the load; the user is
 * told how many.
 */
const MAX_IN_FLIGHT_BYTES = 32 * 1024 * 1024;
/** After a failed commit, wait this long before trying again. */
const RETRY_MS = 1_000;

/**
 * The capture history: a SQLite log (`captures.db`) with only each capture's
 * listing in memory. `add()` is synchronous and cheap: the row is handed to the
 * writer thread with the others of the next `flushDelayMs` (one transaction), so
 * forwarding never waits for the disk and a crash loses at most that much. Until
 * its commit, a record is served from memory; after it, `get()` reads it back.
 * Filters run in the database (`query`, `matchingIds`).
 */
export class CaptureStore {
  readonly #options: ResolvedStoreOptions;
  readonly #database: CaptureDatabase;
  readonly #writer: CaptureWriter | null;
  readonly #listeners = new Set<CaptureListener>();
  /** Oldest first from `#head`; evicted ones before it are dropped in batches (see `list()`). */
  #listings: CaptureListing[] = [];
  #head = 0;
  readonly #byId = new Map<string, CaptureListing>();
  readonly #sizes = new Map<string, number>();
  /** Provider event key → ids of the stored deliveries of that event, oldest first (duplicate marks). */
  readonly #byEvent = new Map<string, string[]>();
  readonly #eventOf = new Map<string, string>();
  /** Added but not yet committed: served from their rows (a record tree would be more for the GC to trace). */
  readonly #unsaved = new Map<string, CaptureRow>();
  #unsavedBytes = 0;
  /** Captures kept without bodies since the last warning (see MAX_IN_FLIGHT_BYTES), and when that was. */
  #shed = 0;
  #shedWarnedAt = Number.NEGATIVE_INFINITY;
  #queued: CaptureRow[] = [];
  #queuedBytes = 0;
  #evictUpTo: number | null = null;
  #timer: NodeJS.Timeout | undefined;
  #committing: Promise<void> = Promise.resolve();
  #nextId = 1;
  #bytes = 0;
  #failing = false;
  #closed = false;

  readonly #readListing = (id: number) => this.#database.listingJson(id);

  private constructor(options: ResolvedStoreOptions, database: CaptureDatabase) {
    this.#options = options;
    this.#database = database;
    this.#writer = options.readOnly ? null : database.writer();
  }

  /**
   * Open (or create) a store. An old `captures.json` beside the file is imported
   * once and left as `captures.json.migrated`; a damaged database is moved aside
   * as `<file>.corrupt-<timestamp>` with a warning, and the store starts empty.
   *
   * @example
   * const store = await CaptureStore.open({ file: join(defaultDataDir(process.env), STORE_FILE) });
   * store.subscribe((listing) => console.log(listing.id, listing.request.path));
   */
  static async open(options: CaptureStoreOptions): Promise<CaptureStore> {
    const resolved = resolveStoreOptions(options);
    const opened = CaptureDatabase.open(resolved.file, resolved);
    const { database } = opened;
    let { index } = opened;
    if (resolved.file !== null && !resolved.readOnly) {
      try {
        const legacy = join(dirname(resolved.file), LEGACY_STORE_FILE);
        if (importLegacyCaptures(database, legacy, resolved)) index = database.loadIndex();
      } catch (error) {
        database.close();
        throw error;
      }
    }
    const store = new CaptureStore(resolved, database);
    store.#nextId = database.maxId() + 1;
    const { ids, tunnels, bytes, events } = index;
    for (let i = 0; i < ids.length; i += 1) {
      const listing = new StoredListing(ids[i] as number, tunnels[i] as string, store.#readListing);
      store.#insert(listing, bytes[i] as number, null);
    }
    for (const [id, key] of events) store.#noteEvent(String(id), key);
    // Bounds may have been lowered since the file was written.
    if (store.#evict()) store.#schedule();
    return store;
  }

  /** Listings, oldest first. The array is live: do not mutate it. */
  list(): readonly CaptureListing[] {
    if (this.#head > 0) {
      this.#listings = this.#listings.slice(this.#head);
      this.#head = 0;
    }
    return this.#listings;
  }

  /** One capture with its headers and bodies (read from the database once committed). */
  get(id: string): CaptureRecord | undefined {
    const unsaved = this.#unsaved.get(id);
    if (unsaved) return recordFromRow(unsaved.id, unsaved);
    if (!this.#byId.has(id)) return undefined;
    return this.#database.record(Number(id));
  }

  /** The listing of one capture, from memory. */
  listing(id: string): CaptureListing | undefined {
    return this.#byId.get(id);
  }

  get size(): number {
    return this.#listings.length - this.#head;
  }

  /** Stored bytes counted against `maxBytes`. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Matching captures, newest first, filtered in the database. */
  async query(query: CaptureQuery = {}): Promise<CaptureRecord[]> {
    const condition = this.#condition(query);
    await this.flush();
    return this.#database.select(condition, query.limit ?? -1, !query.withoutBodies);
  }

  /** Ids of the matching captures (newest first), for a list that holds the listings already. */
  async matchingIds(query: Omit<CaptureQuery, 'limit' | 'withoutBodies'>): Promise<Set<string>> {
    const condition = this.#condition(query);
    await this.flush();
    return new Set(this.#database.ids(condition).map(String));
  }

  #condition(query: CaptureQuery) {
    const terms = parseFilter(query.filter ?? '');
    if (query.tunnel != null && tunnelOf(terms) === null) terms.push({ key: 'tunnel', value: query.tunnel });
    return filterSql(terms);
  }

  /** Store a new exchange; returns it with its id. Listeners hear about it at once. */
  add(draft: CaptureDraft): CaptureRecord {
    if (this.#writer === null) throw new Error('this capture store was opened read-only');
    if (this.#closed) throw new Error('this capture store is closed');
    const annotated = this.#options.annotate ? this.#options.annotate(draft) : draft;
    const record: CaptureRecord = { id: String(this.#nextId++), ...annotated };
    const first = record.origin === 'replay' ? undefined : this.#byEvent.get(eventKey(record) ?? '')?.[0];
    if (first !== undefined) record.duplicateOf = first;
    if (this.#unsavedBytes + bodyBytesOf(record) > MAX_IN_FLIGHT_BYTES) this.#shedBodies(record);
    const row = toRow(record);
    const listing = new StoredListing(row.id, record.tunnel, this.#readListing, row.listing);
    this.#insert(listing, row.storedBytes, record.origin === 'replay' ? null : row.eventKey);
    this.#keepUnsaved(row);
    this.#queued.push(row);
    this.#queuedBytes += row.storedBytes;
    this.#evict();
    if (this.#queuedBytes >= MAX_BATCH_BYTES && !this.#failing) this.#send();
    else this.#schedule();
    for (const listener of this.#listeners) listener(listing);
    return record;
  }

  #keepUnsaved(row: CaptureRow): void {
    this.#unsaved.set(String(row.id), row);
    this.#unsavedBytes += row.storedBytes;
  }

  #dropUnsaved(id: string): void {
    const row = this.#unsaved.get(id);
    if (!row) return;
    this.#unsaved.delete(id);
    this.#unsavedBytes -= row.storedBytes;
  }

  /** Keep this capture without its body bytes: the writer is that far behind. */
  #shedBodies(record: CaptureRecord): void {
    const shed = (body: CapturedBody): CapturedBody => ({ bytes: EMPTY, size: body.size, truncated: body.size > 0 });
    // New objects: the draft's own are its maker's.
    record.request = { ...record.request, body: shed(record.request.body) };
    if (record.response) record.response = { ...record.response, body: shed(record.response.body) };
    this.#shed += 1;
    // Once a minute at most: under a steady overload this would otherwise flap.
    const now = performance.now();
    if (now - this.#shedWarnedAt < 60_000) return;
    this.#shedWarnedAt = now;
    const count = this.#shed === 1 ? '' : ` (${this.#shed} captures since the last warning)`;
    this.#options.onWarning(
      `captures arrive faster than the disk takes them: their bodies are not kept until it catches up${count}; the forward is untouched`,
    );
    this.#shed = 0;
  }

  /** Hear about every added capture; returns the unsubscribe function. */
  subscribe(listener: CaptureListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** `key`: the provider event it delivers; null for none, and for replays (they re-send on purpose). */
  #insert(listing: CaptureListing, bytes: number, key: string | null): void {
    this.#listings.push(listing);
    this.#byId.set(listing.id, listing);
    this.#sizes.set(listing.id, bytes);
    this.#bytes += bytes;
    if (key !== null) this.#noteEvent(listing.id, key);
  }

  /** Remember that capture `id` delivered provider event `key` (duplicate marks). */
  #noteEvent(id: string, key: string): void {
    this.#eventOf.set(id, key);
    const ids = this.#byEvent.get(key);
    if (ids) ids.push(id);
    else this.#byEvent.set(key, [id]);
  }

  /**
   * Drop the oldest captures past either bound (the newest one always stays).
   * Only the head index moves here, and the rows go in one range delete with the
   * next batch; the array is compacted by `list()`, or here once the evicted part
   * is as long as the rest, since without an inspector nothing calls `list()` and
   * the evicted listings would otherwise stay referenced for good.
   */
  #evict(): boolean {
    const { maxCount, maxBytes } = this.#options;
    const before = this.#head;
    while (this.size > 1 && (this.size > maxCount || this.#bytes > maxBytes)) {
      const old = this.#listings[this.#head] as CaptureListing;
      this.#forget(old);
      this.#evictUpTo = Number(old.id);
      this.#head += 1;
    }
    if (this.#head >= 1024 && this.#head >= this.size) this.list();
    return this.#head !== before;
  }

  #forget(old: CaptureListing): void {
    this.#bytes -= this.#sizes.get(old.id) ?? 0;
    this.#sizes.delete(old.id);
    this.#byId.delete(old.id);
    this.#dropUnsaved(old.id);
    const key = this.#eventOf.get(old.id);
    if (key === undefined) return;
    this.#eventOf.delete(old.id);
    const ids = this.#byEvent.get(key);
    const at = ids?.indexOf(old.id) ?? -1;
    if (ids && at >= 0) ids.splice(at, 1);
    if (ids?.length === 0) this.#byEvent.delete(key);
  }

  #schedule(): void {
    if (this.#timer || this.#closed || this.#writer === null) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#send();
    }, this.#options.flushDelayMs);
    this.#timer.unref();
  }

  /** Hand what is queued to the writer as one batch. */
  #send(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const writer = this.#writer;
    if (writer === null || (this.#queued.length === 0 && this.#evictUpTo === null)) return;
    // After a failure, one row first: on a disk with a little room again, a batch of
    // everything that waited may never fit, while one capture at a time does.
    const rows = this.#failing ? this.#queued.splice(0, 1) : this.#queued;
    const rest = this.#failing ? this.#queued : [];
    const batch = { rows, evictUpTo: this.#evictUpTo };
    this.#queued = rest;
    this.#queuedBytes = rest.reduce((sum, row) => sum + row.storedBytes, 0);
    this.#evictUpTo = null;
    const committed = writer.commit(batch).then(
      () => {
        for (const row of rows) this.#dropUnsaved(String(row.id));
        if (!this.#failing) return;
        this.#options.onWarning('captures are being saved again');
        this.#failing = false;
        if (this.#queued.length > 0) this.#schedule();
      },
      (error: Error) => this.#onCommitFailed(batch, error),
    );
    this.#committing = Promise.all([this.#committing, committed]).then(() => {});
  }

  /**
   * A full disk or an I/O error: the forward is never touched, the captures stay
   * listed and readable from memory and are retried, up to a bound; past it the
   * oldest unsaved ones are dropped, and the user is told how many.
   */
  #onCommitFailed(batch: { rows: CaptureRow[]; evictUpTo: number | null }, error: Error): void {
    if (!this.#failing) {
      this.#options.onWarning(`captures could not be saved to ${this.#options.file}: ${error.message}`);
      this.#failing = true;
    }
    if (this.#closed) return;
    // Still-listed ones only: eviction may have dropped some meanwhile.
    const retry = [...batch.rows.filter((row) => this.#unsaved.has(String(row.id))), ...this.#queued];
    let unsavedBytes = retry.reduce((sum, row) => sum + row.storedBytes, 0);
    let dropped = 0;
    while (unsavedBytes > MAX_UNSAVED_BYTES && retry.length > 1) {
      const row = retry.shift() as CaptureRow;
      unsavedBytes -= row.storedBytes;
      const listing = this.#byId.get(String(row.id));
      if (listing) {
        this.#forget(listing);
        this.#listings.splice(this.#listings.indexOf(listing, this.#head), 1);
      }
      dropped += 1;
    }
    if (dropped > 0) this.#options.onWarning(`${dropped} captures could not be saved and were dropped`);
    this.#queued = retry;
    this.#queuedBytes = unsavedBytes;
    this.#evictUpTo = Math.max(this.#evictUpTo ?? 0, batch.evictUpTo ?? 0) || null;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#send();
    }, RETRY_MS);
    this.#timer.unref();
  }

  /** Commit what was added; resolves once it is in the database (or its commit failed). */
  async flush(): Promise<void> {
    this.#send();
    await this.#committing;
  }

  /** Commit and stop; later `add()` calls throw. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#listeners.clear();
    await this.#writer?.close();
    this.#database.close();
  }
}
