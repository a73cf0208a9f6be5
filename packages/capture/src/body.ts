import type { CapturedBody } from './types.js';

/** The stored bytes of a body (all of them unless `truncated`). */
export function bodyBytes(body: CapturedBody): Buffer {
  return body.bytes;
}

/** A body stored whole (the bytes are copied: the caller may reuse its buffer). */
export function wholeBody(bytes: Uint8Array): CapturedBody {
  return { bytes: Buffer.from(bytes), size: bytes.length, truncated: false };
}

/** Bodies this big or more are collected into one buffer of their declared length. */
const PREALLOCATE_FROM = 64 * 1024;

/**
 * Collects a streamed body up to `limit` bytes; counts the rest without keeping it.
 * Chunks are copied, since a tap may hand out views into larger buffers. With the
 * length known up front (Content-Length), a big body is copied straight into one
 * buffer of that size: a 1 MiB upload is then one allocation, not sixteen 64 KiB
 * copies and a 1 MiB join, which glibc keeps around as heap long after.
 */
export class BodyCollector {
  readonly #limit: number;
  readonly #chunks: Buffer[] = [];
  #whole: Buffer | null = null;
  #kept = 0;
  #size = 0;

  /** `expected`: the declared length, when there is one. */
  constructor(limit: number, expected?: number) {
    this.#limit = limit;
    if (expected !== undefined && expected >= PREALLOCATE_FROM) {
      this.#whole = Buffer.allocUnsafeSlow(Math.min(expected, limit));
    }
  }

  push(chunk: Uint8Array): void {
    this.#size += chunk.length;
    const room = this.#limit - this.#kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    const whole = this.#whole;
    if (whole !== null && this.#kept + part.length <= whole.length) {
      whole.set(part, this.#kept);
    } else {
      // More than was declared (or no declaration): fall back to chunks.
      if (whole !== null) this.#chunks.push(whole.subarray(0, this.#kept));
      this.#whole = null;
      this.#chunks.push(Buffer.from(part));
    }
    this.#kept += part.length;
  }

  get size(): number {
    return this.#size;
  }

  finish(): CapturedBody {
    // One chunk (most webhooks) is already a copy of its own: no second copy.
    const bytes =
      this.#whole !== null
        ? this.#whole.subarray(0, this.#kept)
        : this.#chunks.length === 1
          ? (this.#chunks[0] as Buffer)
          : Buffer.concat(this.#chunks, this.#kept);
    return { bytes, size: this.#size, truncated: this.#size > this.#kept };
  }
}
