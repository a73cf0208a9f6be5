import {
  type AccessPolicy,
  lastUsed,
  type QueueMode,
  type Reservation,
  type ReservationStore,
  type ReserveResult,
  TOUCH_INTERVAL_MS,
} from '@hookline/relay';
import type { Redis } from 'ioredis';

const RESERVE = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local new = cjson.decode(ARGV[3])
if cur then
  local c = cjson.decode(cur)
  if c.owner ~= ARGV[2] then return {0, c.owner} end
  new.reservedAt = c.reservedAt
end
local value = cjson.encode(new)
redis.call('HSET', KEYS[1], ARGV[1], value)
return {1, value}
`;
// Expire only if it is still as old as when we looked (a node may have just touched it).
const EXPIRE = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then return 0 end
local c = cjson.decode(cur)
if (c.lastUsedAt or c.reservedAt) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
`;
const RELEASE = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and cjson.decode(cur).owner == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) return 1 end
return 0
`;

/**
 * Name reservations in one Redis hash, shared by every node. Reads are served
 * from a local copy (the ingress hot path reads it), loaded at start and kept
 * fresh by change notices on the cluster channel.
 */
export class RedisReservations implements ReservationStore {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #announce: (name: string) => Promise<void>;
  #cache = new Map<string, Reservation>();

  constructor(redis: Redis, prefix: string, announce: (name: string) => Promise<void>) {
    this.#redis = redis;
    this.#key = `${prefix}names`;
    this.#announce = announce;
  }

  async load(): Promise<void> {
    const all = await this.#redis.hgetall(this.#key);
    this.#cache = new Map(Object.entries(all).map(([name, value]) => [name, JSON.parse(value) as Reservation]));
  }

  /** Another node changed `name`: re-read it. */
  async refresh(name: string): Promise<void> {
    const value = await this.#redis.hget(this.#key, name);
    if (value) this.#cache.set(name, JSON.parse(value) as Reservation);
    else this.#cache.delete(name);
  }

  get(name: string): Reservation | undefined {
    return this.#cache.get(name);
  }

  async reserve(name: string, owner: string, queue: QueueMode | null, access?: AccessPolicy): Promise<ReserveResult> {
    const current = this.#cache.get(name);
    const unchanged =
      current?.owner === owner && current.queue === queue && JSON.stringify(current.access) === JSON.stringify(access);
    // Touching lastUsedAt on every connect would write each time: once an hour is enough.
    if (current && unchanged && Date.now() - lastUsed(current) < TOUCH_INTERVAL_MS) {
      return { ok: true, reservation: current };
    }
    const now = new Date().toISOString();
    const wanted: Reservation = { name, owner, queue, ...(access ? { access } : {}), reservedAt: now, lastUsedAt: now };
    const [ok, value] = (await this.#redis.eval(RESERVE, 1, this.#key, name, owner, JSON.stringify(wanted))) as [
      number,
      string,
    ];
    if (ok !== 1) return { ok: false, owner: value };
    const reservation = JSON.parse(value) as Reservation;
    this.#cache.set(name, reservation);
    await this.#announce(name);
    return { ok: true, reservation };
  }

  async release(name: string, owner: string): Promise<boolean> {
    const released = (await this.#redis.eval(RELEASE, 1, this.#key, name, owner)) === 1;
    if (released) {
      this.#cache.delete(name);
      await this.#announce(name);
    }
    return released;
  }

  async expire(before: number, keep: (name: string) => boolean): Promise<string[]> {
    await this.load();
    const expired: string[] = [];
    for (const reservation of this.#cache.values()) {
      if (lastUsed(reservation) >= before || keep(reservation.name)) continue;
      const stamp = reservation.lastUsedAt ?? reservation.reservedAt;
      if ((await this.#redis.eval(EXPIRE, 1, this.#key, reservation.name, stamp)) === 1) {
        expired.push(reservation.name);
        this.#cache.delete(reservation.name);
        await this.#announce(reservation.name);
      }
    }
    return expired;
  }

  list(owner?: string): Reservation[] {
    return [...this.#cache.values()].filter((r) => owner === undefined || r.owner === owner);
  }
}
