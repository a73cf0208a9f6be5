import type { Writable } from 'node:stream';
import { DEFAULT_STREAM_WINDOW } from './constants.js';
import type { FrameWriter } from './frame-writer.js';

export interface BodySinkOptions {
  destination: Writable;
  writer: FrameWriter;
  stream: number;
  /** The window the peer's pump started with. @default DEFAULT_STREAM_WINDOW */
  window?: number;
}

/**
 * Writes body frames into a destination and returns credit to the peer only as
 * the destination drains, so a slow destination slows the sender instead of
 * growing a buffer. Credit goes back in batches of a quarter window.
 */
export class BodySink {
  readonly #destination: Writable;
  readonly #writer: FrameWriter;
  readonly #stream: number;
  readonly #threshold: number;
  #owed = 0;
  #waitingDrain = false;
  #closed = false;
  /** Bytes received so far. */
  bytes = 0;

  constructor(options: BodySinkOptions) {
    this.#destination = options.destination;
    this.#writer = options.writer;
    this.#stream = options.stream;
    this.#threshold = Math.max(1, Math.floor((options.window ?? DEFAULT_STREAM_WINDOW) / 4));
  }

  push(chunk: Buffer): void {
    if (this.#closed) return;
    this.bytes += chunk.length;
    this.#owed += chunk.length;
    const flushed = this.#destination.write(chunk);
    if (this.#waitingDrain) return;
    if (!flushed) {
      this.#waitingDrain = true;
      this.#destination.once('drain', this.#onDrain);
      return;
    }
    if (this.#owed >= this.#threshold) this.#returnCredit();
  }

  end(): void {
    if (this.#closed) return;
    this.close();
    this.#destination.end();
  }

  /** Stop writing and stop returning credit (stream reset or done). */
  close(): void {
    this.#closed = true;
    this.#destination.off('drain', this.#onDrain);
  }

  readonly #onDrain = (): void => {
    this.#waitingDrain = false;
    if (!this.#closed) this.#returnCredit();
  };

  #returnCredit(): void {
    if (this.#owed === 0) return;
    this.#writer.writeWindow(this.#stream, this.#owed);
    this.#owed = 0;
  }
}
