import type { CapturedBody } from './types.js';

/** The stored bytes of a body (all of them unless `truncated`). */
export function bodyBytes(body: CapturedBody): Buffer {
  return Buffer.from(body.data, 'base64');
}

/** A body stored whole. */
export function wholeBody(bytes: Uint8Array): CapturedBody {
  return { data: Buffer.from(bytes).toString('base64'), size: bytes.length, truncated: false };
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
    return {
      data: Buffer.concat(this.#chunks, this.#kept).toString('base64'),
      size: this.#size,
      truncated: this.#size > this.#kept,
    };
  }
}
