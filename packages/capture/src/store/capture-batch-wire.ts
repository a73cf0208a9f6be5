import { captureValues, detailValues } from './capture-schema.js';
import type { CaptureBatch } from './capture-writer.js';

/** One batch as the writer thread receives it. */
export interface WireBatch {
  seq: number;
  /** Per row: the `captures` values, and the `capture_details` values, `body_files` and body offsets. */
  rows: Array<[unknown[], unknown[]]>;
  /** Every body of the batch, back to back; transferred, not copied. */
  bodies: ArrayBuffer;
  evictUpTo: number | null;
  /** Whether evicted rows may have body files to remove. */
  evictFiles: boolean;
}

/**
 * A batch for `postMessage`: values as arrays (positional binding, and a clone of
 * primitives), and all bodies copied once into one buffer that is *transferred*.
 * Cloning each body instead would copy its whole backing store: a 1 KiB body cut
 * from Node's 8 KiB buffer pool would travel as 8 KiB, twice per capture. A body
 * to keep as a file (`fileBits[i]`) travels the same way: the writer thread
 * writes it to its file and leaves its column an empty BLOB.
 */
export function toWireBatch(
  seq: number,
  { rows, evictUpTo, evictFiles = true }: CaptureBatch,
  fileBits: readonly number[],
  /** A buffer of at least `size` bytes to fill, when there is one to reuse. */
  spare: (size: number) => ArrayBuffer | null = () => null,
): WireBatch {
  let total = 0;
  for (const row of rows) total += row.requestBody.length + (row.responseBody?.length ?? 0);
  const reused = total === 0 ? null : spare(total);
  // Room to spare in a fresh one, so that it fits the next batches too when it comes back.
  const bodies = reused ? Buffer.from(reused) : Buffer.allocUnsafeSlow(total === 0 ? 0 : Math.max(total, 64 * 1024));
  let at = 0;
  const put = (bytes: Buffer) => {
    bodies.set(bytes, at);
    at += bytes.length;
    return [at - bytes.length, bytes.length];
  };
  const out: WireBatch['rows'] = rows.map((row, i) => {
    const requestAt = put(row.requestBody);
    const responseAt = row.responseBody ? put(row.responseBody) : [0, -1];
    return [captureValues(row), [...detailValues(row), fileBits[i] ?? 0, ...requestAt, ...responseAt]];
  });
  return { seq, rows: out, bodies: bodies.buffer as ArrayBuffer, evictUpTo, evictFiles };
}
