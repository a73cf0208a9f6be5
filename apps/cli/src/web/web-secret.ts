import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh per-run secret: 32 random bytes, base64url (43 characters, safe in a URL fragment). */
export function createWebSecret(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Whether `given` is the secret, in constant time whatever either length:
 * both are hashed to 32 bytes first, so neither the content nor the length of
 * the secret leaks through how long a wrong guess takes.
 */
export function secretMatches(given: string | undefined, secret: string): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), digest(secret));
}
