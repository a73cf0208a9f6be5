import { joinIntoPooledBuffer, POOLED_BATCH_MIN, releaseBatchBuffer } from './batch-buffers.js';
import { encodeFrameHeader, encodePayload } from './codec.js';
import { FRAME_HEADER_SIZE, MAX_BATCH_BYTES, MAX_MESSAGE_SIZE } from './constants.js';
import { type Frame, FrameType } from './frames.js';

/** The transport under a FrameWriter: a WebSocket (ws) fits as is. */
export interface MessageSink {
  /**
   * Send one message. `data` may be a reused buffer: the sink must be done with
   * it (written to the socket, as ws is when it calls back) before `callback`.
   */
  send(data: Buffer, callback: (error?: Error) => void): void;
  /** Bytes accepted by `send` but not yet written to the socket. */
  readonly bufferedAmount: number;
  /**
   * Take the frames as they are, unencoded (an in-process link): the receiver
   * gets these objects and may keep them, body chunks included.
   */
  sendFrames?(frames: Frame[], callback: (error?: Error) => void): void;
}

export interface FrameWriterOptions {
  /**
   * Above this many buffered bytes the writer reports `congested`, and body
   * pumps pause their sources until it drains.
   * @default 4 MiB
   */
  highWaterMark?: number;
  /** @default MAX_BATCH_BYTES */
  maxBatchBytes?: number;
  /**
   * Told of every WINDOW written, whoever writes it: the receiving side's ledger
   * of granted credit, so it can hold the peer to the window it was given.
   */
  onWindow?: (stream: number, credit: number) => void;
}

/**
 * Batches every frame written in one event-loop turn into a single WebSocket
 * message (one syscall, one ws frame), and tells producers when the transport is
 * congested. Measured in the prototype: batching alone took small-request
 * throughput from 0.24× to 0.36× direct.
 */
export class FrameWriter {
  readonly #sink: MessageSink;
  readonly #highWaterMark: number;
  readonly #maxBatchBytes: number;
  readonly #onWindow: ((stream: number, credit: number) => void) | undefined;
  /** Set for a sink that takes frames unencoded; then `#frames` is batched instead of `#parts`. */
  readonly #sendFrames: ((frames: Frame[], callback: (error?: Error) => void) => void) | undefined;
  #parts: Buffer[] = [];
  #frames: Frame[] = [];
  #pendingBytes = 0;
  #scheduled = false;
  #closed = false;
  #drainWaiters: Array<() => void> = [];

  constructor(sink: MessageSink, options: FrameWriterOptions = {}) {
    this.#sink = sink;
    this.#highWaterMark = options.highWaterMark ?? 4 * 1024 * 1024;
    this.#maxBatchBytes = options.maxBatchBytes ?? MAX_BATCH_BYTES;
    this.#onWindow = options.onWindow;
    this.#sendFrames = sink.sendFrames?.bind(sink);
  }

  /** True while the transport holds more than the high-water mark. */
  get congested(): boolean {
    return this.#pendingBytes + this.#sink.bufferedAmount > this.#highWaterMark;
  }

  write(frame: Frame): void {
    if (frame.type === FrameType.WINDOW) this.#onWindow?.(frame.stream, frame.credit);
    if (this.#sendFrames) return this.#pushFrame(frame, FRAME_HEADER_SIZE);
    const payload = encodePayload(frame);
    this.#push(encodeFrameHeader(frame.type, frame.stream, payload.length), payload);
  }

  /** Body chunk fast path: no frame object, no copy of the payload until the batch is sent. */
  writeBody(type: typeof FrameType.REQUEST_BODY | typeof FrameType.RESPONSE_BODY, stream: number, chunk: Buffer): void {
    if (this.#sendFrames) return this.#pushFrame({ type, stream, chunk }, FRAME_HEADER_SIZE + chunk.length);
    this.#push(encodeFrameHeader(type, stream, chunk.length), chunk);
  }

  writeWindow(stream: number, credit: number): void {
    this.write({ type: FrameType.WINDOW, stream, credit });
  }

  /** Run `callback` once the transport is no longer congested. */
  onDrain(callback: () => void): void {
    if (!this.congested) {
      queueMicrotask(callback);
      return;
    }
    this.#drainWaiters.push(callback);
  }

  /** Send what is batched now instead of at the end of the turn. */
  flush(): void {
    this.#scheduled = false;
    if (this.#sendFrames) return this.#flushFrames(this.#sendFrames);
    if (this.#closed || this.#parts.length === 0) return;
    const parts = this.#parts;
    const total = this.#pendingBytes;
    this.#parts = [];
    this.#pendingBytes = 0;
    if (parts.length === 1) return this.#sink.send(parts[0] as Buffer, this.#afterSend);
    if (total < POOLED_BATCH_MIN || total > MAX_MESSAGE_SIZE) {
      return this.#sink.send(Buffer.concat(parts, total), this.#afterSend);
    }
    const { data, backing } = joinIntoPooledBuffer(parts, total);
    this.#sink.send(data, () => {
      releaseBatchBuffer(backing);
      this.#afterSend();
    });
  }

  /** Drop anything batched; later writes are ignored. */
  close(): void {
    this.#closed = true;
    this.#parts = [];
    this.#frames = [];
    this.#pendingBytes = 0;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const waiter of waiters) waiter();
  }

  #push(header: Buffer, payload: Buffer): void {
    if (this.#closed) return;
    this.#parts.push(header);
    if (payload.length > 0) this.#parts.push(payload);
    this.#pendingBytes += header.length + payload.length;
    this.#schedule();
  }

  #pushFrame(frame: Frame, bytes: number): void {
    if (this.#closed) return;
    this.#frames.push(frame);
    this.#pendingBytes += bytes;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#pendingBytes >= this.#maxBatchBytes) {
      this.flush();
    } else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flushScheduled);
    }
  }

  #flushFrames(send: (frames: Frame[], callback: (error?: Error) => void) => void): void {
    if (this.#closed || this.#frames.length === 0) return;
    const frames = this.#frames;
    this.#frames = [];
    this.#pendingBytes = 0;
    send(frames, this.#afterSend);
  }

  readonly #flushScheduled = (): void => {
    if (this.#scheduled) this.flush();
  };

  readonly #afterSend = (): void => {
    if (this.#drainWaiters.length === 0 || this.congested) return;
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const waiter of waiters) waiter();
  };
}
