import { resignRequest } from './resign.js';
import { detectScheme } from './schemes.js';
import type { GenericHmacConfig, ProviderId, SignatureConfig, SignedRequest } from './types.js';
import { verifySignature } from './verify.js';

/** A queued delivery whose signed timestamp aged past the provider's tolerance while it waited. */
export interface Lateness {
  provider: ProviderId;
  /** Seconds between the relay receiving it and now. */
  delayS: number;
  /** Seconds between the signed timestamp and now. */
  ageS: number;
  toleranceS: number;
}

/**
 * Is this queued request late, judged from its headers alone (no secret, no body)?
 * Late means: its signed timestamp was within the provider's tolerance when the
 * relay received it (`receivedAt`) and is past it `now`. A request that reached
 * the relay already outside the tolerance is not late but old — a replay of a
 * captured webhook looks exactly like that — and hookline never freshens it.
 */
export function lateDelivery(
  headers: readonly string[],
  times: { receivedAt: number; now: number },
  generic?: GenericHmacConfig,
): Lateness | null {
  const scheme = detectScheme(headers, generic);
  const signed = scheme?.signedAt(headers);
  if (!scheme || !signed || signed.timestamp === null) return null;
  const ageAtReceipt = Math.floor(times.receivedAt / 1000) - signed.timestamp;
  if (Math.abs(ageAtReceipt) > signed.toleranceS) return null;
  const ageS = Math.floor(times.now / 1000) - signed.timestamp;
  if (ageS <= signed.toleranceS) return null;
  return {
    provider: scheme.id,
    delayS: Math.max(0, Math.round((times.now - times.receivedAt) / 1000)),
    ageS,
    toleranceS: signed.toleranceS,
  };
}

/** What re-signing a late request came to. */
export type LateResign =
  | { resigned: true; headers: string[]; timestamp: number | null }
  | { resigned: false; reason: string };

/**
 * Re-sign a late request over its exact bytes with `now` as the timestamp, only
 * if its signature matches the secret (stale, never invalid): hookline must not
 * turn a forged webhook into a validly signed one. Event ids and `webhook-id`
 * stay as they are, so the app's idempotency checks see the same event.
 */
export function resignLate(request: SignedRequest, config: SignatureConfig, now: number): LateResign {
  const verdict = verifySignature(request, config, { now });
  switch (verdict.status) {
    case 'stale': {
      const { headers, timestamp } = resignRequest(request, config, { now });
      return { resigned: true, headers, timestamp };
    }
    case 'valid':
      return { resigned: false, reason: 'the signature is still within tolerance' };
    case 'invalid':
      return { resigned: false, reason: `not re-signed: ${verdict.reason ?? 'the signature does not match'}` };
    case 'no-secret':
    case 'unsigned':
      return { resigned: false, reason: `not re-signed: no ${verdict.provider ?? ''} secret` };
  }
}
