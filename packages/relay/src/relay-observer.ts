import type { Hono } from 'hono';
import type { AuthGuard } from './auth-guard.js';

/** The relay's abuse limiter for token checks, for extra routes that check a token of their own. */
export type TokenCheckGuard = Pick<AuthGuard, 'check' | 'record'>;

/** One public request routed to a tunnel, once it is over (answered, refused or abandoned). */
export interface ExchangeRecord {
  /** `x-request-id` of the request, or a fresh id. */
  requestId: string;
  tunnel: string;
  method: string;
  status: number;
  /** The `hookline-error` code, when the relay or tunnel answered with an error. */
  code: string | null;
  durationMs: number;
  /**
   * Bytes read from / written to the caller's connection while the exchange ran
   * (response head included; the request head, read before routing, is not).
   */
  bytesIn: number;
  bytesOut: number;
  queued: boolean;
}

/**
 * Hooks for logs and metrics (apps/relay wires pino and prom-client to them). Called
 * synchronously: keep them cheap. The relay costs nothing extra when none is set.
 */
export interface RelayObserver {
  exchange?(record: ExchangeRecord): void;
  tunnelOnline?(event: { tunnel: string; session: string; owner: string | null; remote: string }): void;
  tunnelOffline?(event: { tunnel: string; session: string }): void;
  /**
   * Extra service routes (e.g. metrics) mounted on the relay's hono app under
   * `/_hookline/`. A route that checks a token goes through `tokens` (same
   * limits as connect and the API).
   */
  routes?(app: Hono, tokens: TokenCheckGuard): void;
}
