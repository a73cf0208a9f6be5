import { REQUEST_FILE, RESPONSE_FILE } from './body-files.js';
import type { CaptureRow } from './capture-row.js';
import { captureValues, detailValues } from './capture-schema.js';

/** One batch as the writer thread receives it. */
export interface WireBatch {
  seq: number;
  /** Per row: the `captures` values, and the `capture_details` values, `body_files` and body offsets. */
  rows: Array<[unknown[], unknown[]]>;
  /** Every body of the batch that is not a file, back to back; transferred, not copied. */
  bodies: ArrayBuffer;
  evictUpTo: number | null;
}

/**
 * A batch for `postMessage`: values as arrays (positional binding, and a clone of
 * primitives), and all bodies copied once into one buffer that is *transferred*.
 * Cloning each body instead would copy its whole backing store: a 1 KiB body cut
 * from Node's 8 KiB buffer pool would travel as 8 KiB, twice per capture. A body
 * kept as a file (`fileBits[i]`, written before) travels as length 0: its column
 * stays an empty BLOB.
 */
export function toWireBatch(
  seq: number,
  rows: readonly CaptureRow[],
  fileBits: readonly number[],
  evictUpTo: number | null,
): WireBatch {
  const inline = (row: CaptureRow, i: number) => ({
    request: (fileBits[i] ?? 0) & REQUEST_FILE ? null : row.requestBody,
    response: (fileBits[i] ?? 0) & RESPONSE_FILE ? null : row.responseBody,
  });
  let total = 0;
  rows.forEach((row, i) => {
    const { request, response } = inline(row, i);
    total += (request?.length ?? 0) + (response?.length ?? 0);
  });
  const bodies = Buffer.allocUnsafeSlow(total);
  let at = 0;
  const put = (bytes: Buffer | null) => {
    if (bytes === null) return [0, 0];
    bodies.set(bytes, at);
    at += bytes.length;
    return [at - bytes.length, bytes.length];
  };
  const out: WireBatch['rows'] = rows.map((row, i) => {
    const { request, response } = inline(row, i);
    const requestAt = put(request);
    const responseAt = row.responseBody ? put(response) : [0, -1];
    return [captureValues(row), [...detailValues(row), fileBits[i] ?? 0, ...requestAt, ...responseAt]];
  });
  return { seq, rows: out, bodies: bodies.buffer as ArrayBuffer, evictUpTo };
}
