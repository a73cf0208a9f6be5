import type { CaptureListing } from '../types.js';
import { listingFromRow } from './capture-row.js';

type Fields = Omit<CaptureListing, 'id' | 'tunnel'>;

/**
 * A listing as the store holds it: its id and tunnel at once, the rest parsed on
 * first read, from its JSON (a new capture's) or from the database (one loaded at
 * open). Opening a history of 100 000 then reads three narrow columns instead of
 * parsing 100 000 JSON documents, the inspector parses only the rows it draws, and
 * each capture in memory is one small object and one string, not a tree of objects
 * for the garbage collector to trace. Read its fields; do not spread it (they are
 * getters).
 */
export class StoredListing implements CaptureListing {
  readonly id: string;
  readonly tunnel: string;
  readonly #read: (id: number) => string | undefined;
  #json: string | undefined;
  #fields: Fields | null = null;

  constructor(id: number, tunnel: string, read: (id: number) => string | undefined, json?: string) {
    this.id = String(id);
    this.tunnel = tunnel;
    this.#read = read;
    this.#json = json;
  }

  #load(): Fields {
    if (this.#fields === null) {
      const json = this.#json ?? this.#read(Number(this.id));
      this.#json = undefined;
      // Evicted and deleted before anything read it: an empty row, never a crash.
      this.#fields = json === undefined ? GONE : listingFromRow(Number(this.id), json);
    }
    return this.#fields;
  }

  get origin() {
    return this.#load().origin;
  }
  get replayOf() {
    return this.#load().replayOf;
  }
  get startedAt() {
    return this.#load().startedAt;
  }
  get request() {
    return this.#load().request;
  }
  get response() {
    return this.#load().response;
  }
  get timings() {
    return this.#load().timings;
  }
  get error() {
    return this.#load().error;
  }
  get signature() {
    return this.#load().signature;
  }
  get event() {
    return this.#load().event;
  }
  get duplicateOf() {
    return this.#load().duplicateOf;
  }
  get late() {
    return this.#load().late;
  }
  get route() {
    return this.#load().route;
  }

  toJSON(): CaptureListing {
    return { id: this.id, tunnel: this.tunnel, ...this.#load() };
  }
}

const GONE: Fields = {
  origin: 'live',
  replayOf: null,
  startedAt: 0,
  request: { method: '?', path: '(no longer stored)', body: { size: 0, truncated: false } },
  response: null,
  timings: { waitMs: null, totalMs: 0 },
  error: null,
};
