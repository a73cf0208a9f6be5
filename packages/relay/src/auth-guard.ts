import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import { createMemoryFailureStore, type FailureStore } from './failure-store.js';
import { callerAddress } from './tunnel-access.js';

/** Why a token check was not even attempted. */
export interface AuthRefusal {
  code: 'E_RATE_LIMITED';
  message: string;
  retryAfterSeconds: number;
}

export interface AuthGuardOptions {
  /** Failed checks one address may make per minute (also its burst). */
  perAddressPerMinute: number;
  /** Failed checks all addresses together may make per minute (also its burst). */
  totalPerMinute: number;
  /** Take `x-forwarded-for` as the caller address (`--trust-proxy`). */
  trustProxy: boolean;
  /** Where budgets live; Redis in a cluster, so that N nodes do not allow N times the guesses. @default memory */
  store?: FailureStore;
  /** @default Date.now */
  now?: () => number;
}

/** How long an address that passed a check counts as known (exempt from the global ceiling). */
const KNOWN_FOR_MS = 24 * 60 * 60 * 1000;
/** The key of the global ceiling's bucket. */
const TOTAL = '*';

/**
 * One limiter for every route that checks a token (connect, queue and names API,
 * anything else with a bearer token). Rules, in order:
 *
 * 1. The key is the caller address as the relay sees it with `trustProxy` applied,
 *    so behind a proxy one stranger spends only his own budget, not everyone's.
 *    IPv6 addresses count per /64: one host gets a whole /64, rotating inside it is free.
 * 2. Only failures cost: a client with a good token is never slowed by its own use.
 * 3. A global ceiling on failures bounds guessing by an attacker who rotates
 *    addresses. While it is exhausted, only addresses that passed a check in the
 *    last 24 h get through, so a distributed guesser cannot lock out known users.
 * 4. The check runs before any token work: a refused guess costs no hashing.
 */
export class AuthGuard {
  readonly #perAddress: number;
  readonly #total: number;
  readonly #trustProxy: boolean;
  readonly #store: FailureStore;
  readonly #now: () => number;

  constructor(options: AuthGuardOptions) {
    this.#perAddress = options.perAddressPerMinute;
    this.#total = options.totalPerMinute;
    this.#trustProxy = options.trustProxy;
    this.#store = options.store ?? createMemoryFailureStore();
    this.#now = options.now ?? Date.now;
  }

  /** The limiter's key for a request's caller. */
  keyOf(req: IncomingMessage): string {
    return addressKey(callerAddress(req, this.#trustProxy));
  }

  /** A refusal when this caller may not try a token now, else null. */
  async check(req: IncomingMessage): Promise<AuthRefusal | null> {
    const key = this.keyOf(req);
    const now = this.#now();
    const own = await this.#store.wait(key, this.#perAddress, now);
    if (own > 0) {
      return {
        code: 'E_RATE_LIMITED',
        message: `too many failed token checks from your address; retry in ${own} s`,
        retryAfterSeconds: own,
      };
    }
    const total = await this.#store.wait(TOTAL, this.#total, now);
    if (total > 0 && !(await this.#store.isKnown(key, now))) {
      return {
        code: 'E_RATE_LIMITED',
        message: `too many failed token checks on this relay; retry in ${total} s`,
        retryAfterSeconds: total,
      };
    }
    return null;
  }

  /** Record the outcome of a check that `check` let through. */
  async record(req: IncomingMessage, ok: boolean): Promise<void> {
    const key = this.keyOf(req);
    const now = this.#now();
    if (ok) return this.#store.markKnown(key, now, KNOWN_FOR_MS);
    await Promise.all([this.#store.spend(key, this.#perAddress, now), this.#store.spend(TOTAL, this.#total, now)]);
  }
}

/** IPv4 as is; IPv6 cut to its /64 (the unit one subscriber is given). */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
