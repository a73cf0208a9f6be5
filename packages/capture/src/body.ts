import type { CapturedBody } from './types.js';

/** The stored bytes of a body (all of them unless `truncated`). */
export function bodyBytes(body: CapturedBody): Buffer {
  return body.bytes;
}

/** A body stored whole (the bytes are copied: the caller may reuse its buffer). */
export function wholeBody(bytes: Uint8Array): CapturedBody {
  return { bytes: Buffer.from(bytes), size: bytes.length, truncated: false };
}

/**
 * Collects a streamed body up to `limit` bytes; counts the rest without keeping it.
 * Chunks are copied, since a tap may hand out views into larger buffers.
 */
export class BodyCollector {
  readonly #limit: number;
  readonly #chunks: Buffer[] = [];
  #kept = 0;
  #size = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  push(chunk: Uint8Array): void {
    this.#size += chunk.length;
    const room = this.#limit - this.#kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.#chunks.push(Buffer.from(part));
    this.#kept += part.length;
  }

  get size(): number {
    return this.#size;
  }

  finish(): CapturedBody {
    // One chunk (most webhooks) is already a copy of its own: no second copy.
    const bytes = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks, this.#kept);
    return { bytes, size: this.#size, truncated: this.#size > this.#kept };
  }
}
