import { declaredContentLength } from '@hookline/protocol';
import { BodyCollector, wholeBody } from './body.js';
import { CAPTURE_DEFAULTS } from './store-options.js';
import type { CaptureDraft, CaptureOrigin, ExchangeFailure, LateNote } from './types.js';

/** The parts of a relay request head a capture keeps (the client's `RequestHead` fits). */
export interface RecordedHead {
  method: string;
  target: string;
  headers: string[];
  remoteAddress: string;
  protocol: 'http' | 'https';
  host: string;
  /** The public path when routing changed it (the relay's `publicPath`); older relays omit it. */
  publicPath?: string | undefined;
  /** Set when the relay delivered the request from the tunnel's durable queue. */
  delivery?: { id: string; attempt: number } | undefined;
}

/** What the relay reports of a request it answered itself (the client's RELAY_ANSWER, body decoded). */
export interface RelayAnsweredRequest extends RecordedHead {
  receivedAt: number;
  body: Buffer;
  response: { status: number; headers: string[]; body: string };
}

/** Where finished exchanges go: a `CaptureStore` fits. */
export interface CaptureSink {
  add(draft: CaptureDraft): unknown;
}

export interface RecorderOptions {
  sink: CaptureSink;
  /** Local target URL the tunnel forwards to. */
  target: string;
  /** Tunnel name, read when an exchange starts (it is known only once online). */
  tunnel: () => string;
  /** @default 1 MiB */
  maxBodyBytes?: number;
}

interface Pending {
  head: RecordedHead;
  startedAt: number;
  origin: CaptureOrigin;
  request: BodyCollector;
  response: { status: number; statusText: string; headers: string[]; body: BodyCollector } | null;
  waitMs: number | null;
}

/**
 * Turns a tunnel's per-exchange events into capture records. Every method is
 * cheap and synchronous: it runs on the forwarding path. Exchange ids are the
 * tunnel's own (unique within one client process).
 */
export class ExchangeRecorder {
  readonly #options: RecorderOptions;
  readonly #limit: number;
  readonly #pending = new Map<string, Pending>();

  constructor(options: RecorderOptions) {
    this.#options = options;
    this.#limit = options.maxBodyBytes ?? CAPTURE_DEFAULTS.maxBodyBytes;
  }

  request(id: string, head: RecordedHead, startedAt: number): void {
    this.#pending.set(id, {
      head,
      startedAt,
      origin: head.delivery ? 'queued' : 'live',
      request: new BodyCollector(this.#limit, declaredContentLength(head.headers) ?? undefined),
      response: null,
      waitMs: null,
    });
  }

  requestBody(id: string, chunk: Uint8Array): void {
    this.#pending.get(id)?.request.push(chunk);
  }

  response(id: string, head: { status: number; statusText?: string; headers: string[]; waitMs: number }): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    pending.waitMs = head.waitMs;
    pending.response = {
      status: head.status,
      statusText: head.statusText ?? '',
      headers: head.headers,
      body: new BodyCollector(this.#limit, declaredContentLength(head.headers) ?? undefined),
    };
  }

  responseBody(id: string, chunk: Uint8Array): void {
    this.#pending.get(id)?.response?.body.push(chunk);
  }

  /** The exchange is over: hand the record to the sink (what the sink returned comes back). */
  done(
    id: string,
    end: {
      totalMs: number;
      error: ExchangeFailure | null;
      late?: LateNote | null;
      /** Where it went, when not the recorder's `target` (a tunnel route), and the route as written. */
      target?: string;
      route?: string | null;
    },
  ): unknown {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    this.#pending.delete(id);
    const { head, response } = pending;
    return this.#options.sink.add({
      tunnel: this.#options.tunnel(),
      origin: pending.origin,
      replayOf: null,
      target: end.target ?? this.#options.target,
      startedAt: pending.startedAt,
      request: {
        method: head.method,
        path: head.target,
        headers: head.headers,
        body: pending.request.finish(),
        remoteAddress: head.remoteAddress,
        protocol: head.protocol,
        host: head.host,
        ...(head.publicPath === undefined ? {} : { publicPath: head.publicPath }),
      },
      response: response && {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        body: response.body.finish(),
      },
      timings: { waitMs: pending.waitMs, totalMs: end.totalMs },
      error: end.error,
      ...(end.late ? { late: end.late } : {}),
      ...(end.route ? { route: { match: end.route, target: end.target ?? this.#options.target } } : {}),
    });
  }

  /**
   * A request the relay answered itself (a declared handshake): recorded whole,
   * with origin `handshake`, since no local exchange ever ran for it. Bodies are
   * small: the relay reads at most 64 KiB to recognise a handshake.
   */
  relayAnswered(answer: RelayAnsweredRequest): void {
    const response = Buffer.from(answer.response.body);
    this.#options.sink.add({
      tunnel: this.#options.tunnel(),
      origin: 'handshake',
      replayOf: null,
      target: this.#options.target,
      startedAt: answer.receivedAt,
      request: {
        method: answer.method,
        path: answer.target,
        headers: answer.headers,
        body: wholeBody(answer.body),
        remoteAddress: answer.remoteAddress,
        protocol: answer.protocol,
        host: answer.host,
        ...(answer.publicPath === undefined ? {} : { publicPath: answer.publicPath }),
      },
      response: {
        status: answer.response.status,
        statusText: '',
        headers: answer.response.headers,
        body: wholeBody(response),
      },
      timings: { waitMs: 0, totalMs: 0 },
      error: null,
    });
  }

  /** Exchanges started but not finished. */
  get inFlight(): number {
    return this.#pending.size;
  }
}
