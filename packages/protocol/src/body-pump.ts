import { Readable } from 'node:stream';
import { DEFAULT_STREAM_WINDOW, MAX_CHUNK_SIZE } from './constants.js';
import type { FrameWriter } from './frame-writer.js';
import { FrameType } from './frames.js';

/**
 * What a pump can throttle. A Readable is wired up by the pump itself; any other
 * source (an HTTP client's body callbacks) feeds the pump with `push` and `end`.
 */
export interface PumpSource {
  pause(): unknown;
  resume(): unknown;
}

export interface BodyPumpOptions {
  source: Readable | PumpSource;
  writer: FrameWriter;
  stream: number;
  /** REQUEST_* on the relay side, RESPONSE_* on the client side. */
  direction: 'request' | 'response';
  /** Initial send credit, refilled by the peer's WINDOW frames. @default DEFAULT_STREAM_WINDOW */
  window?: number;
  /** Called once the source ended and its END frame was written. */
  onEnd?: () => void;
  /** Called when the source fails; the caller decides how to reset the stream. */
  onError?: (error: Error) => void;
}

/**
 * Moves a body onto the tunnel as ≤ 64 KiB frames without ever holding more
 * than one source chunk: it pauses the source when the stream's credit runs
 * out (flow control) or the WebSocket is congested, and resumes on WINDOW/drain.
 */
export class BodyPump {
  readonly #source: PumpSource;
  readonly #readable: Readable | null;
  readonly #writer: FrameWriter;
  readonly #stream: number;
  readonly #bodyType: typeof FrameType.REQUEST_BODY | typeof FrameType.RESPONSE_BODY;
  readonly #endType: typeof FrameType.REQUEST_END | typeof FrameType.RESPONSE_END;
  readonly #onEnd: (() => void) | undefined;
  #credit: number;
  #held: Buffer | null = null;
  #ended = false;
  #stopped = false;
  #waitingDrain = false;
  #sourcePaused = false;
  /** Bytes sent so far, for logs and captures. */
  bytes = 0;

  constructor(options: BodyPumpOptions) {
    this.#source = options.source;
    this.#writer = options.writer;
    this.#stream = options.stream;
    const request = options.direction === 'request';
    this.#bodyType = request ? FrameType.REQUEST_BODY : FrameType.RESPONSE_BODY;
    this.#endType = request ? FrameType.REQUEST_END : FrameType.RESPONSE_END;
    this.#credit = options.window ?? DEFAULT_STREAM_WINDOW;
    this.#onEnd = options.onEnd;
    const readable = options.source instanceof Readable ? options.source : null;
    this.#readable = readable;
    if (!readable) return;
    const onError = options.onError;
    readable.on('data', this.push);
    readable.once('end', this.end);
    if (onError) readable.once('error', (error) => this.#stopped || onError(error));
  }

  /** True while the pump has asked its source to pause. */
  get paused(): boolean {
    return this.#sourcePaused;
  }

  /** Add credit from a WINDOW frame. */
  grant(credit: number): void {
    if (this.#stopped) return;
    this.#credit += credit;
    this.#drive();
  }

  /** Stop forwarding (stream reset or finished); the source is left to its owner. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#held = null;
    this.#readable?.off('data', this.push);
    this.#readable?.off('end', this.end);
  }

  /** One chunk of the body (wired to 'data' for a Readable source). */
  readonly push = (chunk: Buffer): void => {
    if (this.#stopped) return;
    this.#held = this.#held ? Buffer.concat([this.#held, chunk]) : chunk;
    this.#drive();
  };

  /** The body is complete (wired to 'end' for a Readable source). */
  readonly end = (): void => {
    this.#ended = true;
    this.#drive();
  };

  #drive(): void {
    while (this.#held && this.#credit > 0) {
      const size = Math.min(this.#held.length, this.#credit, MAX_CHUNK_SIZE);
      const piece = size === this.#held.length ? this.#held : this.#held.subarray(0, size);
      this.#held = size === this.#held.length ? null : this.#held.subarray(size);
      this.#credit -= size;
      this.bytes += size;
      this.#writer.writeBody(this.#bodyType, this.#stream, piece);
    }
    if (this.#held) {
      this.#pauseSource();
      return;
    }
    if (this.#ended) {
      this.#finish();
      return;
    }
    if (this.#writer.congested) {
      this.#pauseSource();
      if (!this.#waitingDrain) {
        this.#waitingDrain = true;
        this.#writer.onDrain(() => {
          this.#waitingDrain = false;
          if (!this.#stopped) this.#drive();
        });
      }
      return;
    }
    // A Readable may have been paused by its owner too (e.g. after an upgrade).
    if (this.#readable ? this.#readable.isPaused() : this.#sourcePaused) {
      this.#sourcePaused = false;
      this.#source.resume();
    }
  }

  #pauseSource(): void {
    if (this.#sourcePaused && !this.#readable) return;
    this.#sourcePaused = true;
    this.#source.pause();
  }

  #finish(): void {
    if (this.#stopped) return;
    this.stop();
    this.#writer.write({ type: this.#endType, stream: this.#stream });
    this.#onEnd?.();
  }
}
