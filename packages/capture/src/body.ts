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
/** A chunk this big that spans at least half of its memory is kept as it is, not copied. */
const SHARE_FROM = 16 * 1024;

/**
 * Whether keeping `chunk` itself costs about its own size: a small view into a
 * larger buffer (a 1 KiB body in a 64 KiB socket read) would keep all of that
 * alive, and captures are counted by their bytes, not by what those pin.
 */
function ownsItsMemory(chunk: Uint8Array): boolean {
  return chunk.length >= SHARE_FROM && chunk.length * 2 >= chunk.buffer.byteLength;
}

/** The same bytes as a Buffer (a view, no copy). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/**
 * Collects a streamed body up to `limit` bytes; counts the rest without keeping it.
 * Chunks are never written to after they are handed over (the tunnel's observer
 * contract), so a big chunk that spans most of its memory is kept as it is: a
 * 1 MiB upload the client collected whole is captured without a copy. Other
 * chunks are copied, since a view keeps its whole buffer alive. With the length
 * known up front (Content-Length) and the body arriving in pieces, a big body is
 * copied straight into one buffer of that size: a 1 MiB upload is then one
 * allocation, not sixteen 64 KiB copies and a 1 MiB join, which glibc keeps
 * around as heap long after.
 */
export class BodyCollector {
  readonly #limit: number;
  readonly #expected: number | undefined;
  readonly #chunks: Buffer[] = [];
  #whole: Buffer | null = null;
  #started = false;
  #kept = 0;
  #size = 0;

  /** `expected`: the declared length, when there is one. */
  constructor(limit: number, expected?: number) {
    this.#limit = limit;
    this.#expected = expected;
  }

  push(chunk: Uint8Array): void {
    this.#size += chunk.length;
    const room = this.#limit - this.#kept;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    if (!this.#started) {
      this.#started = true;
      const expected = this.#expected === undefined ? undefined : Math.min(this.#expected, this.#limit);
      const inPieces = expected !== undefined && expected >= PREALLOCATE_FROM && part.length < expected;
      // Allocated on the first piece, not up front: a body that arrives whole needs no buffer of its own.
      if (inPieces) this.#whole = Buffer.allocUnsafeSlow(expected);
    }
    const whole = this.#whole;
    if (whole !== null && this.#kept + part.length <= whole.length) {
      whole.set(part, this.#kept);
    } else {
      // More than was declared (or no declaration, or one piece): fall back to chunks.
      if (whole !== null) this.#chunks.push(whole.subarray(0, this.#kept));
      this.#whole = null;
      this.#chunks.push(ownsItsMemory(part) ? asBuffer(part) : Buffer.from(part));
    }
    this.#kept += part.length;
  }

  get size(): number {
    return this.#size;
  }

  finish(): CapturedBody {
    // One chunk (most webhooks) is already a buffer of its own: no second copy.
    const bytes =
      this.#whole !== null
        ? this.#whole.subarray(0, this.#kept)
        : this.#chunks.length === 1
          ? (this.#chunks[0] as Buffer)
          : Buffer.concat(this.#chunks, this.#kept);
    return { bytes, size: this.#size, truncated: this.#size > this.#kept };
  }
}
