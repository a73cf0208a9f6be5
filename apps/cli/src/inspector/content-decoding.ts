import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** Decompressed bodies are shown up to this size (a zip bomb must not take an inspector down). */
export const MAX_DECODED_BYTES = 8 * 1024 * 1024;

/**
 * A body undone from its Content-Encoding (gzip, deflate, br) for display, or
 * null when the encoding is another one or the bytes do not inflate within
 * `MAX_DECODED_BYTES`. Replay and export never use this: they send the stored bytes.
 */
export function decodeContent(bytes: Buffer, encoding: string): Buffer | null {
  const options = { maxOutputLength: MAX_DECODED_BYTES };
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(bytes, options);
    if (encoding === 'deflate') return inflateSync(bytes, options);
    if (encoding === 'br') return brotliDecompressSync(bytes, options);
  } catch {
    return null;
  }
  return null;
}
