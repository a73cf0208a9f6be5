import { dirname, join } from 'node:path';
import { parseFilter, tunnelOf } from './filter.js';
import { LEGACY_STORE_FILE } from './paths.js';
import { mayHaveBodyFile } from './store/body-files.js';
import { CaptureDatabase } from './store/capture-database.js';
import { eventKey, recordFromRow, toRow } from './store/capture-row.js';
import { filterSql } from './store/filter-sql.js';
import { importLegacyCaptures } from './store/import-legacy.js';
import { SaveQueue } from './store/save-queue.js';
import { StoredListing } from './store/stored-listing.js';
import { type CaptureStoreOptions, type ResolvedStoreOptions, resolveStoreOptions } from './store-options.js';
import type { CaptureDraft, CaptureListing, CaptureRecord } from './types.js';

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

/**
 * The capture history: a SQLite log (`captures.db`) with only each capture's
 * listing in memory. `add()` is synchronous and cheap: the row goes to the
 * `SaveQueue`, which hands it to the writer thread with the others of the next
 * `flushDelayMs` (one transaction), so forwarding never waits for the disk and a
 * crash loses at most that much. Until its commit, a record is served from the
 * queue; after it, `get()` reads it back. This class keeps the listings, the
 * bounds and the duplicate marks; filters run in the database (`query`,
 * `matchingIds`).
 */
export class CaptureStore {
  readonly #options: ResolvedStoreOptions;
  readonly #database: CaptureDatabase;
  /** Rows on their way to the database; null when opened read-only. */
  readonly #saving: SaveQueue | null;
  readonly #listeners = new Set<CaptureListener>();
  /** Oldest first from `#head`; evicted ones before it are dropped in batches (see `list()`). */
  #listings: CaptureListing[] = [];
  #head = 0;
  readonly #byId = new Map<string, CaptureListing>();
  readonly #sizes = new Map<string, number>();
  /** Provider event key → ids of the stored deliveries of that event, oldest first (duplicate marks). */
  readonly #byEvent = new Map<string, string[]>();
  readonly #eventOf = new Map<string, string>();
  #nextId = 1;
  #bytes = 0;
  #closed = false;

  readonly #readListing = (id: number) => this.#database.listingJson(id);

  private constructor(options: ResolvedStoreOptions, database: CaptureDatabase) {
    this.#options = options;
    this.#database = database;
    this.#saving = options.readOnly
      ? null
      : new SaveQueue(database.writer(), {
          flushDelayMs: options.flushDelayMs,
          file: options.file,
          onWarning: options.onWarning,
          onDropped: (id) => this.#drop(id),
        });
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
    // Bounds may have been lowered since the file was written: what they leave out is
    // never listed (`hookline requests` on a history of 100 000 kept 10 000 of them,
    // after building and forgetting the rest), and the owner deletes it.
    const first = store.#firstKept(bytes);
    for (let i = first; i < ids.length; i += 1) {
      const listing = new StoredListing(ids[i] as number, tunnels[i] as string, store.#readListing);
      store.#insert(listing, bytes[i] as number, null);
    }
    if (first > 0) {
      const mayHaveFiles = bytes.slice(0, first).some(mayHaveBodyFile);
      store.#saving?.evictUpTo(ids[first - 1] as number, mayHaveFiles);
    }
    const oldestKept = ids[first] ?? Number.POSITIVE_INFINITY;
    for (const [id, key] of events) if (id >= oldestKept) store.#noteEvent(String(id), key);
    return store;
  }

  /** Index of the oldest of these stored sizes (oldest first) that `#evict()` would keep. */
  #firstKept(bytes: readonly number[]): number {
    let total = bytes.reduce((sum, size) => sum + size, 0);
    let first = 0;
    while (this.#overBounds(bytes.length - first, total)) total -= bytes[first++] as number;
    return first;
  }

  /** The eviction rule: past either bound, the oldest go; the newest one always stays. */
  #overBounds(count: number, bytes: number): boolean {
    return count > 1 && (count > this.#options.maxCount || bytes > this.#options.maxBytes);
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
    const unsaved = this.#saving?.unsaved(id);
    if (unsaved) return recordFromRow(unsaved.id, unsaved);
    if (!this.#byId.has(id)) return undefined;
    return this.#database.record(Number(id));
  }

  /** The listing of one capture, from memory. */
  listing(id: string): CaptureListing | undefined {
    return this.#byId.get(id);
  }

  /**
   * Ids of every stored delivery of the provider event capture `id` delivered,
   * oldest first and `id` among them (the first is what later ones are a
   * `duplicateOf`); empty when it carries no event id, or is a replay.
   */
  deliveriesOf(id: string): readonly string[] {
    const key = this.#eventOf.get(id);
    return key === undefined ? [] : [...(this.#byEvent.get(key) ?? [])];
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
    const saving = this.#saving;
    if (saving === null) throw new Error('this capture store was opened read-only');
    if (this.#closed) throw new Error('this capture store is closed');
    const annotated = this.#options.annotate ? this.#options.annotate(draft) : draft;
    const numbered: CaptureRecord = { id: String(this.#nextId++), ...annotated };
    const first = numbered.origin === 'replay' ? undefined : this.#byEvent.get(eventKey(numbered) ?? '')?.[0];
    if (first !== undefined) numbered.duplicateOf = first;
    const record = saving.admit(numbered);
    const row = toRow(record);
    const listing = new StoredListing(row.id, record.tunnel, this.#readListing, row.listing);
    this.#insert(listing, row.storedBytes, record.origin === 'replay' ? null : row.eventKey);
    saving.push(row);
    this.#evict();
    for (const listener of this.#listeners) listener(listing);
    return record;
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
    const before = this.#head;
    let mayHaveFiles = false;
    while (this.#overBounds(this.size, this.#bytes)) {
      const old = this.#listings[this.#head] as CaptureListing;
      mayHaveFiles ||= mayHaveBodyFile(this.#sizes.get(old.id) ?? 0);
      this.#forget(old);
      this.#head += 1;
    }
    if (this.#head !== before) this.#saving?.evictUpTo(Number(this.#listings[this.#head - 1]?.id), mayHaveFiles);
    if (this.#head >= 1024 && this.#head >= this.size) this.list();
    return this.#head !== before;
  }

  #forget(old: CaptureListing): void {
    this.#bytes -= this.#sizes.get(old.id) ?? 0;
    this.#sizes.delete(old.id);
    this.#byId.delete(old.id);
    this.#saving?.forget(old.id);
    const key = this.#eventOf.get(old.id);
    if (key === undefined) return;
    this.#eventOf.delete(old.id);
    const ids = this.#byEvent.get(key);
    const at = ids?.indexOf(old.id) ?? -1;
    if (ids && at >= 0) ids.splice(at, 1);
    if (ids?.length === 0) this.#byEvent.delete(key);
  }

  /** A capture that could not be saved and was given up on: it leaves the list too. */
  #drop(id: string): void {
    const listing = this.#byId.get(id);
    if (!listing) return;
    this.#forget(listing);
    const at = this.#listings.indexOf(listing, this.#head);
    if (at >= 0) this.#listings.splice(at, 1);
  }

  /** Commit what was added; resolves once it is in the database (or its commit failed). */
  async flush(): Promise<void> {
    await this.#saving?.flush();
  }

  /** Commit and stop; later `add()` calls throw. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    await this.#saving?.close();
    this.#database.close();
  }
}
