import type { Readable } from 'node:stream';
import { DEFAULT_STREAM_WINDOW, MAX_CHUNK_SIZE } from './constants.js';
import type { FrameWriter } from './frame-writer.js';
import { FrameType } from './frames.js';

export interface BodyPumpOptions {
  source: Readable;
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
 * Moves a readable body onto the tunnel as ≤ 64 KiB frames without ever holding
 * more than one source chunk: it pauses the source when the stream's credit runs
 * out (flow control) or the WebSocket is congested, and resumes on WINDOW/drain.
 */
export class BodyPump {
  readonly #source: Readable;
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
    const onError = options.onError;
    this.#source.on('data', this.#onData);
    this.#source.once('end', this.#onSourceEnd);
    if (onError) this.#source.once('error', (error) => this.#stopped || onError(error));
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
    this.#source.off('data', this.#onData);
    this.#source.off('end', this.#onSourceEnd);
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#stopped) return;
    this.#held = this.#held ? Buffer.concat([this.#held, chunk]) : chunk;
    this.#drive();
  };

  readonly #onSourceEnd = (): void => {
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
      this.#source.pause();
      return;
    }
    if (this.#ended) {
      this.#finish();
      return;
    }
    if (this.#writer.congested) {
      this.#source.pause();
      if (!this.#waitingDrain) {
        this.#waitingDrain = true;
        this.#writer.onDrain(() => {
          this.#waitingDrain = false;
          if (!this.#stopped) this.#drive();
        });
      }
      return;
    }
    if (this.#source.isPaused()) this.#source.resume();
  }

  #finish(): void {
    if (this.#stopped) return;
    this.stop();
    this.#writer.write({ type: this.#endType, stream: this.#stream });
    this.#onEnd?.();
  }
}
