import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC over parts fed in order: text as UTF-8, bytes as they are (never re-encoded). */
export function hmac(algorithm: string, key: string | Uint8Array, parts: ReadonlyArray<string | Uint8Array>): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/**
 * Constant-time comparison of two digests. Lengths are public (they follow from
 * the algorithm), so a length mismatch may return early.
 */
export function sameDigest(expected: Uint8Array, given: Uint8Array): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Decode a hex digest; null when it is not hex (a malformed header, not a mismatch). */
export function fromHex(text: string): Buffer | null {
  return /^(?:[0-9a-fA-F]{2})+$/.test(text) ? Buffer.from(text, 'hex') : null;
}

/** Decode a base64 digest; null when it is not base64. */
export function fromBase64(text: string): Buffer | null {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0 ? Buffer.from(text, 'base64') : null;
}
