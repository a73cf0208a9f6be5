import { PassThrough, Writable } from 'node:stream';

/** Bytes held across every exchange of one tunnel, so parallel deliveries cannot add up without bound. */
export class HoldBudget {
  #left: number;
  constructor(maxBytes: number) {
    this.#left = maxBytes;
  }
  take(bytes: number): boolean {
    if (bytes > this.#left) return false;
    this.#left -= bytes;
    return true;
  }
  give(bytes: number): void {
    this.#left += bytes;
  }
}

export interface HeldBodyHandlers {
  /** The whole body arrived within the bound. */
  whole(body: Buffer): void;
  /**
   * The body outgrew its bound (`'body'`) or the tunnel's budget (`'budget'`): from
   * here on it streams through `stream`, the bytes so far first.
   */
  overflow(stream: PassThrough, why: 'body' | 'budget'): void;
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
  readonly #budget: HoldBudget;
  readonly #handlers: HeldBodyHandlers;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #stream: PassThrough | null = null;

  constructor(maxBytes: number, budget: HoldBudget, handlers: HeldBodyHandlers) {
    super();
    this.#maxBytes = maxBytes;
    this.#budget = budget;
    this.#handlers = handlers;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const fits = this.#bytes + chunk.length <= this.#maxBytes;
    if (!this.#stream && fits && this.#budget.take(chunk.length)) {
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
      this.#release();
      this.#handlers.overflow(stream, fits ? 'budget' : 'body');
    }
    const stream = this.#stream;
    if (stream.write(chunk)) callback();
    else stream.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#stream) this.#stream.end();
    else {
      const body = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
      this.#release();
      this.#handlers.whole(body);
    }
    callback();
  }

  /** The held bytes are handed on (or dropped): they no longer count against the budget. */
  #release(): void {
    this.#budget.give(this.#bytes);
    this.#bytes = 0;
    this.#chunks = [];
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#release();
    // A Writable destroys itself once finished (autoDestroy): an ended pass-through may
    // still hold bytes the local request has not read, and destroying it then made undici
    // abort a whole upload (UND_ERR_ABORTED). Only a body cut short is torn down here.
    if (error || !this.#stream?.writableEnded) this.#stream?.destroy();
    callback(error);
  }
}
