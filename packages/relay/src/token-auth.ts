import { createHash, timingSafeEqual } from 'node:crypto';

export interface TokenVerifier {
  /** The token's id (a prefix of its hash) when valid, else null. */
  verify(token: string | undefined): string | null;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Holds only hashes of the accepted tokens and compares in constant time, so
 * neither a memory dump nor response timing reveals a token.
 */
export function createTokenVerifier(tokens: readonly string[]): TokenVerifier {
  const hashes = tokens.map(sha256);
  return {
    verify(token) {
      if (!token) return null;
      const candidate = sha256(token);
      let match: Buffer | null = null;
      // Compare against every hash, never stopping early.
      for (const hash of hashes) if (timingSafeEqual(hash, candidate)) match = hash;
      return match ? match.toString('hex').slice(0, 12) : null;
    },
  };
}

/** The bearer token of an `Authorization` header, if well formed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
