import type { CaptureRow } from './capture-row.js';
import { captureValues, detailValues } from './capture-schema.js';

/** One batch as the writer thread receives it. */
export interface WireBatch {
  seq: number;
  /** Per row: the `captures` values, and the `capture_details` values plus body offsets. */
  rows: Array<[unknown[], unknown[]]>;
  /** Every body of the batch back to back; transferred, not copied. */
  bodies: ArrayBuffer;
  evictUpTo: number | null;
}

/**
 * A batch for `postMessage`: values as arrays (positional binding, and a clone of
 * primitives), and all bodies copied once into one buffer that is *transferred*.
 * Cloning each body instead would copy its whole backing store: a 1 KiB body cut
 * from Node's 8 KiB buffer pool would travel as 8 KiB, twice per capture.
 */
export function toWireBatch(seq: number, rows: readonly CaptureRow[], evictUpTo: number | null): WireBatch {
  let total = 0;
  for (const row of rows) total += row.requestBody.length + (row.responseBody?.length ?? 0);
  const bodies = Buffer.allocUnsafeSlow(total);
  let at = 0;
  const out: WireBatch['rows'] = [];
  for (const row of rows) {
    const request = [at, row.requestBody.length];
    bodies.set(row.requestBody, at);
    at += row.requestBody.length;
    const response = row.responseBody ? [at, row.responseBody.length] : [0, -1];
    if (row.responseBody) {
      bodies.set(row.responseBody, at);
      at += row.responseBody.length;
    }
    out.push([captureValues(row), [...detailValues(row), ...request, ...response]]);
  }
  return { seq, rows: out, bodies: bodies.buffer as ArrayBuffer, evictUpTo };
}
