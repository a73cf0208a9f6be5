import { join } from 'node:path';
import { QUEUE_MODE_PATTERN, type QueueMode } from '@hookline/protocol';
import { Low } from 'lowdb';
import { z } from 'zod';
import type { AccessPolicy } from '../tunnel-access.js';
import { CorruptFileError, DurableJsonFile } from './durable-file.js';
import { StoreStartError } from './store-errors.js';

/** How a queued tunnel's backlog is delivered: one at a time in order, or N at once. */
export type { QueueMode } from '@hookline/protocol';

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
  /** Last time a client of the owner used the name (updated at most hourly). */
  lastUsedAt?: string;
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
  /** Operator expiry: free names unused since `before` (epoch ms) unless `keep(name)`; returns them. */
  expire(before: number, keep: (name: string) => boolean): Promise<string[]>;
}

/** A reservation's last use, for expiry (older records only have `reservedAt`). */
export function lastUsed(reservation: Reservation): number {
  return Date.parse(reservation.lastUsedAt ?? reservation.reservedAt);
}

/** Touching `lastUsedAt` on every connect would write the file each time: once an hour is enough. */
export const TOUCH_INTERVAL_MS = 60 * 60 * 1000;

interface ReservationFile {
  names: Record<string, Reservation>;
}

/** What a reservation must look like to be trusted: an owner is what stops a name going to another token. */
const reservationFileSchema = z.object({
  names: z.record(
    z.string(),
    z.looseObject({
      name: z.string().min(1),
      owner: z.string().min(1),
      queue: z.union([z.literal('serial'), z.string().regex(QUEUE_MODE_PATTERN), z.null()]),
      reservedAt: z.string(),
    }),
  ),
});

function reservationsOver(db: { data: ReservationFile; write(): Promise<void> }): ReservationStore {
  return {
    get: (name) => db.data.names[name],
    async reserve(name, owner, queue, access) {
      const current = db.data.names[name];
      if (current && current.owner !== owner) return { ok: false, owner: current.owner };
      const unchanged = current && current.queue === queue && JSON.stringify(current.access) === JSON.stringify(access);
      if (unchanged && Date.now() - lastUsed(current) < TOUCH_INTERVAL_MS) return { ok: true, reservation: current };
      const now = new Date().toISOString();
      const reservation: Reservation = {
        name,
        owner,
        queue,
        ...(access ? { access } : {}),
        reservedAt: current?.reservedAt ?? now,
        lastUsedAt: now,
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
    async expire(before, keep) {
      const expired = Object.values(db.data.names)
        .filter((r) => lastUsed(r) < before && !keep(r.name))
        .map((r) => r.name);
      for (const name of expired) delete db.data.names[name];
      if (expired.length > 0) await db.write();
      return expired;
    },
  };
}

/** Reservations that live as long as the process (tests, relays without a data dir). */
export function createMemoryReservations(): ReservationStore {
  return reservationsOver({ data: { names: {} }, write: async () => {} });
}

/**
 * Reservations in `<dataDir>/names.json`, written durably and in order; `load()`
 * before use. A file that is unreadable, not JSON or not reservations stops the
 * start (StoreStartError): starting empty would hand every name, and its queued
 * webhooks, to whichever token asks first.
 */
export function createFileReservations(dataDir: string): ReservationStore & { load(): Promise<void> } {
  const path = join(dataDir, 'names.json');
  const db = new Low<ReservationFile>(new DurableJsonFile(path), { names: {} });
  return {
    ...reservationsOver(db),
    async load() {
      let problem: string | null = null;
      try {
        await db.read();
        const parsed = reservationFileSchema.safeParse(db.data);
        if (!parsed.success)
          problem = `not a name reservations file (${parsed.error.issues[0]?.message ?? 'bad shape'})`;
      } catch (error) {
        problem = error instanceof CorruptFileError ? 'not valid JSON' : (error as Error).message;
      }
      if (problem !== null) {
        throw new StoreStartError(
          path,
          `name reservations ${path} are damaged (${problem}): restore the file from a backup, or move it aside` +
            ' to start with no reservations (every name then becomes claimable by any token)',
        );
      }
    },
  };
}
