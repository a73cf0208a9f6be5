import { join } from 'node:path';
import { Low } from 'lowdb';
import type { RelayLogger } from '../options.js';
import type { AccessPolicy } from '../tunnel-access.js';
import { CorruptFileError, DurableJsonFile } from './durable-file.js';
import { moveAside } from './move-aside.js';

/** How a queued tunnel's backlog is delivered: one at a time in order, or N at once. */
export type QueueMode = 'serial' | `parallel:${number}`;

/** A name owned by a token; it outlives disconnects and relay restarts. */
export interface Reservation {
  name: string;
  /** Token id of the owner. */
  owner: string;
  /** Offline queue for this name, or null when webhooks are not queued. */
  queue: QueueMode | null;
  /** Public URL protection, kept so that it also guards the queue while the client is away. */
  access?: AccessPolicy;
  reservedAt: string;
}

export type ReserveResult = { ok: true; reservation: Reservation } | { ok: false; owner: string };

/** Names owned by tokens. `get` is synchronous: the ingress hot path reads it. */
export interface ReservationStore {
  get(name: string): Reservation | undefined;
  /** Reserve `name` for `owner` (or update its settings when already theirs). */
  reserve(name: string, owner: string, queue: QueueMode | null, access?: AccessPolicy): Promise<ReserveResult>;
  /** Free `name` if `owner` holds it. */
  release(name: string, owner: string): Promise<boolean>;
  list(owner?: string): Reservation[];
}

interface ReservationFile {
  names: Record<string, Reservation>;
}

function reservationsOver(db: { data: ReservationFile; write(): Promise<void> }): ReservationStore {
  return {
    get: (name) => db.data.names[name],
    async reserve(name, owner, queue, access) {
      const current = db.data.names[name];
      if (current && current.owner !== owner) return { ok: false, owner: current.owner };
      if (current && current.queue === queue && JSON.stringify(current.access) === JSON.stringify(access)) {
        return { ok: true, reservation: current };
      }
      const reservation: Reservation = {
        name,
        owner,
        queue,
        ...(access ? { access } : {}),
        reservedAt: current?.reservedAt ?? new Date().toISOString(),
      };
      db.data.names[name] = reservation;
      await db.write();
      return { ok: true, reservation };
    },
    async release(name, owner) {
      if (db.data.names[name]?.owner !== owner) return false;
      delete db.data.names[name];
      await db.write();
      return true;
    },
    list: (owner) => Object.values(db.data.names).filter((r) => owner === undefined || r.owner === owner),
  };
}

/** Reservations that live as long as the process (tests, relays without a data dir). */
export function createMemoryReservations(): ReservationStore {
  return reservationsOver({ data: { names: {} }, write: async () => {} });
}

/**
 * Reservations in `<dataDir>/names.json`, written durably; `load()` before use.
 * A corrupt file is moved aside with a loud log line and the relay starts with
 * no reservations.
 */
export function createFileReservations(
  dataDir: string,
  logger: RelayLogger,
): ReservationStore & { load(): Promise<void> } {
  const path = join(dataDir, 'names.json');
  const db = new Low<ReservationFile>(new DurableJsonFile(path), { names: {} });
  return {
    ...reservationsOver(db),
    async load() {
      try {
        await db.read();
      } catch (error) {
        if (!(error instanceof CorruptFileError)) throw error;
        const moved = await moveAside(path);
        logger.error({ file: path, movedTo: moved }, 'NAME RESERVATIONS FILE CORRUPT: moved aside, starting empty');
        db.data = { names: {} };
      }
    },
  };
}
