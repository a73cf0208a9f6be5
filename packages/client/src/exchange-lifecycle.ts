import { type ErrorCode, FrameType, type FrameWriter, type RequestHead } from '@hookline/protocol';
import type { ExchangeEvent, ExchangeObserver, ResponseEvent } from './events.js';
import type { HostHeaderMode } from './forward-headers.js';
import type { LatePlan } from './late-delivery.js';
import { type OfflineResponse, offlineAnswerApplies, writeOfflineAnswer } from './offline-answer.js';

/** The client's end of one stream, fed by the session's frames. */
export interface ClientStream {
  onRequestBody(chunk: Buffer): void;
  onRequestEnd(): void;
  onWindow(credit: number): void;
  onReset(code: ErrorCode, message: string): void;
}

export interface LocalExchangeInit {
  id: string;
  stream: number;
  head: RequestHead;
  writer: FrameWriter;
  target: URL;
  /** Path and query sent to the target, when a route changed them. @default head.target */
  forwardPath?: string | undefined;
  /** The route that chose `target`, as written; null or absent for the tunnel's own. */
  route?: string | null | undefined;
  hostHeader: HostHeaderMode;
  /** No response head within this time → 504. */
  timeoutMs: number;
  window: number;
  onResponse(event: ResponseEvent): void;
  /** Optional body taps (captures). */
  observer?: ExchangeObserver | undefined;
  /** Answered instead of 502 when the local server refuses or cannot be reached (`--offline-response`). */
  offlineResponse?: OfflineResponse | undefined;
  /** A late queued delivery: re-signed before it is forwarded, or reported. */
  late?: LatePlan | null | undefined;
  /** Called exactly once when the exchange is over. */
  onDone(event: ExchangeEvent): void;
}

export interface LocalProblem {
  code: ErrorCode;
  message: string;
}

/** A failure to reach or talk to the local server, in words a person can act on. */
export function describeLocalError(error: NodeJS.ErrnoException, target: URL): LocalProblem {
  if (error.code === 'ECONNREFUSED') {
    return { code: 'E_LOCAL_REFUSED', message: `connection refused by ${target.host}: is your local server running?` };
  }
  if (error.code === 'UND_ERR_SOCKET') {
    return { code: 'E_LOCAL_ERROR', message: `${target.host} closed the connection without a response` };
  }
  return { code: 'E_LOCAL_ERROR', message: `local server ${target.host} failed: ${error.code ?? error.message}` };
}

/** How the lifecycle reaches the transport-specific side of an exchange. */
export interface LocalSide {
  /** Body sizes so far, read when the exchange ends. */
  bytes(): { request: number; response: number };
  /** The exchange is over: stop pumping frames (called once, on every ending). */
  release(): void;
  /** The exchange failed or was reset: stop the local request too. */
  abort(): void;
}

/**
 * The bookkeeping every local exchange shares, whatever carries it: the response
 * timer, the RESPONSE_HEAD, the RESET that tells the relay which status to answer,
 * and exactly one `onDone`.
 */
export class ExchangeLifecycle {
  readonly #init: LocalExchangeInit;
  readonly #started = performance.now();
  readonly #timer: NodeJS.Timeout;
  readonly #side: LocalSide;
  #status: number | null = null;
  #done = false;

  constructor(init: LocalExchangeInit, side: LocalSide) {
    this.#init = init;
    this.#side = side;
    this.#timer = setTimeout(() => {
      const seconds = Math.round(init.timeoutMs / 1000);
      this.fail('E_LOCAL_TIMEOUT', `${init.target.host} sent no response within ${seconds} s`);
    }, init.timeoutMs);
  }

  get done(): boolean {
    return this.#done;
  }

  /** The local response head: forward it and stop the response timer. */
  respond(status: number, statusText: string, headers: string[]): void {
    clearTimeout(this.#timer);
    this.#status = status;
    const { writer, stream, id } = this.#init;
    writer.write({ type: FrameType.RESPONSE_HEAD, stream, head: { status, statusText, headers } });
    this.#init.onResponse({ id, status, headers, durationMs: performance.now() - this.#started });
  }

  /** Fail from this side: RESET tells the relay which status to answer. */
  fail(code: ErrorCode, message: string): void {
    if (this.#done) return;
    const { offlineResponse, head } = this.#init;
    if (this.#status === null && offlineAnswerApplies(offlineResponse, head, code)) {
      // The caller gets the configured answer; the capture still says what went wrong.
      clearTimeout(this.#timer);
      const { writer, stream, id, observer } = this.#init;
      const headers = writeOfflineAnswer(writer, stream, id, offlineResponse, observer);
      this.#status = offlineResponse.status;
      this.#init.onResponse({
        id,
        status: offlineResponse.status,
        headers,
        durationMs: performance.now() - this.#started,
      });
      this.finish({ code, message });
      this.#side.abort();
      return;
    }
    this.#init.writer.write({ type: FrameType.RESET, stream: this.#init.stream, reset: { code, message } });
    this.finish({ code, message });
    this.#side.abort();
  }

  /** The relay reset the stream: stop the local side without answering. */
  reset(code: ErrorCode, message: string): void {
    if (this.#done) return;
    this.finish({ code, message });
    this.#side.abort();
  }

  finish(error: LocalProblem | null): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    const { head } = this.#init;
    this.#side.release();
    const bytes = this.#side.bytes();
    this.#init.onDone({
      id: this.#init.id,
      method: head.method,
      path: head.target,
      status: this.#status,
      durationMs: performance.now() - this.#started,
      requestBytes: bytes.request,
      responseBytes: bytes.response,
      error,
      upgrade: head.upgrade,
      delivery: head.delivery ?? null,
      late: this.#init.late?.note ?? null,
      target: this.#init.target.href,
      route: this.#init.route ?? null,
    });
  }
}
