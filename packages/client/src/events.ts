import type { ErrorCode, RelayAnswer, RequestHead } from '@hookline/protocol';
import type { LateDelivery } from './late-delivery.js';

export type TunnelState =
  | { state: 'connecting' }
  | { state: 'online'; name: string; urls: string[] }
  | { state: 'reconnecting'; attempt: number; delayMs: number; reason: string }
  | { state: 'failed'; code: ErrorCode; message: string }
  | { state: 'closed' };

/** A request the relay handed to this client. */
export interface RequestEvent {
  /** Unique within this client process. */
  id: string;
  head: RequestHead;
  startedAt: number;
}

/** The local server's response head arrived. */
export interface ResponseEvent {
  id: string;
  status: number;
  headers: string[];
  /** ms from the request head to the response head. */
  durationMs: number;
}

/** One exchange is over, successfully or not: what a log line or capture needs. */
export interface ExchangeEvent {
  id: string;
  method: string;
  path: string;
  status: number | null;
  durationMs: number;
  requestBytes: number;
  responseBytes: number;
  error: { code: ErrorCode; message: string } | null;
  upgrade: boolean;
  /** Set when the relay delivered this from the tunnel's durable queue. */
  delivery: { id: string; attempt: number } | null;
  /** A queued delivery whose signature aged past the provider's tolerance: re-signed, or why not. */
  late: LateDelivery | null;
  /** The local target it went to (the tunnel's own, or its route's). */
  target: string;
  /** The route that sent it there, as written (`/stripe`, `stripe:invoice.*`); null: the tunnel's own target. */
  route: string | null;
}

export interface ErrorEvent {
  code: ErrorCode;
  message: string;
  /** The exchange it belongs to, when it is about one. */
  id?: string;
}

/** Event map of a Tunnel (a typed EventEmitter). */
export interface TunnelEvents {
  state: [TunnelState];
  request: [RequestEvent];
  response: [ResponseEvent];
  exchange: [ExchangeEvent];
  error: [ErrorEvent];
  /** The relay's offline queue for this tunnel changed (queued tunnels only). */
  queue: [{ pending: number; failed: number }];
  /** The relay answered a declared handshake itself (the request never reached the local server). */
  handshake: [RelayAnswer];
}

/**
 * Sees the body bytes of every exchange (for captures). Called synchronously on
 * the forwarding path: keep it cheap, never block. A chunk may be a view into a
 * larger WebSocket message; copy it if it is kept for long.
 */
export interface ExchangeObserver {
  requestBody?(id: string, chunk: Buffer): void;
  responseBody?(id: string, chunk: Buffer): void;
}
