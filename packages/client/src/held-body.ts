import { PassThrough, Writable } from 'node:stream';

export interface HeldBodyHandlers {
  /** The whole body arrived within the bound. */
  whole(body: Buffer): void;
  /** The body outgrew the bound: from here on it streams through `stream`, the bytes so far first. */
  overflow(stream: PassThrough): void;
}

/**
 * Collects a request body until it is whole (a re-sign needs every byte before
 * the headers can be sent), up to `maxBytes`. Written by a `BodySink`, which
 * returns the relay's credit as this accepts chunks, so a body longer than the
 * stream window still arrives. Past the bound it stops holding and becomes a
 * pass-through with back-pressure: the request is forwarded as it came.
 */
export class HeldBody extends Writable {
  readonly #maxBytes: number;
  readonly #handlers: HeldBodyHandlers;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #stream: PassThrough | null = null;

  constructor(maxBytes: number, handlers: HeldBodyHandlers) {
    super();
    this.#maxBytes = maxBytes;
    this.#handlers = handlers;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.#stream && this.#bytes + chunk.length <= this.#maxBytes) {
      // A chunk may be a view of its whole tunnel message: copied, it keeps only itself alive.
      this.#chunks.push(Buffer.from(chunk));
      this.#bytes += chunk.length;
      return callback();
    }
    if (!this.#stream) {
      const stream = new PassThrough();
      stream.on('error', () => {}); // undici reports a failed upload through its handler
      this.#stream = stream;
      for (const held of this.#chunks) stream.write(held);
      this.#chunks = [];
      this.#handlers.overflow(stream);
    }
    const stream = this.#stream;
    if (stream.write(chunk)) callback();
    else stream.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#stream) this.#stream.end();
    else this.#handlers.whole(this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks));
    this.#chunks = [];
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#chunks = [];
    this.#stream?.destroy();
    callback(error);
  }
}
