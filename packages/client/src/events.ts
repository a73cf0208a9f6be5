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
 * Sees the body bytes of every exchange (for captures), in order. Called
 * synchronously on the forwarding path: keep it cheap, never block. A chunk is
 * never written to after it is handed over, so it may be kept as it is; but it
 * may be a view into a larger buffer (a WebSocket message, a socket read) that
 * keeping it keeps alive: copy a small view.
 */
export interface ExchangeObserver {
  requestBody?(id: string, chunk: Buffer): void;
  /**
   * When present, a request body the client collects whole before forwarding it
   * (declared within the stream window, and in more than one frame) comes here
   * once, complete, in a buffer of its own, instead of chunk by chunk to
   * `requestBody`: a capture can keep that buffer rather than copy the body
   * again. Called before the exchange ends, also when it ends early (with what came).
   */
  requestBodyCollected?(id: string, body: Buffer): void;
  responseBody?(id: string, chunk: Buffer): void;
}
