import type { ProviderId, SignatureVerdict } from './types.js';

/** Verdict builders, so every scheme words its reasons the same way. */
export const verdict = {
  valid: (provider: ProviderId, timestamp: number | null = null): SignatureVerdict => ({
    status: 'valid',
    provider,
    reason: null,
    timestamp,
  }),
  /** The HMAC does not match: a wrong secret and a changed body look the same from here. */
  mismatch: (provider: ProviderId, timestamp: number | null = null, what = 'signature'): SignatureVerdict => ({
    status: 'invalid',
    provider,
    reason: `no ${what} matches this secret (wrong secret, or the body or headers changed after signing)`,
    timestamp,
  }),
  malformed: (provider: ProviderId, detail: string, timestamp: number | null = null): SignatureVerdict => ({
    status: 'invalid',
    provider,
    reason: `header malformed: ${detail}`,
    timestamp,
  }),
  noSecret: (provider: ProviderId): SignatureVerdict => ({
    status: 'no-secret',
    provider,
    reason: `signed by ${provider}, but no secret is configured (--secret ${provider}=…, HOOKLINE_SECRET_${provider.toUpperCase()} or hookline.json)`,
    timestamp: null,
  }),
  unsigned: (): SignatureVerdict => ({ status: 'unsigned', provider: null, reason: null, timestamp: null }),
};

/**
 * A matching signature judged against the clock: `stale` when the timestamp is
 * more than `toleranceS` away from `now`, saying by how much.
 */
export function judgeTimestamp(
  provider: ProviderId,
  timestamp: number,
  now: number,
  toleranceS: number,
): SignatureVerdict {
  const skew = Math.floor(now / 1000) - timestamp;
  if (Math.abs(skew) <= toleranceS) return verdict.valid(provider, timestamp);
  const by = Math.abs(skew) - toleranceS;
  const age = skew > 0 ? `${skew} s old` : `${-skew} s in the future`;
  return {
    status: 'stale',
    provider,
    reason: `timestamp outside tolerance by ${by} s (${age}; ${provider} allows ${toleranceS} s)`,
    timestamp,
  };
}

/** Parse an epoch-seconds header value; null when it is not a whole number. */
export function parseTimestamp(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,12}$/.test(text.trim())) return null;
  return Number(text.trim());
}
