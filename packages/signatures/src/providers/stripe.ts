import { fromHex, hmac, sameDigest } from '../hmac.js';
import { headerValue, withHeader } from '../raw-headers.js';
import type { SignatureScheme } from '../types.js';
import { judgeTimestamp, parseTimestamp, verdict } from '../verdict.js';

const HEADER = 'Stripe-Signature';
/** Stripe's libraries reject events older than this by default. */
export const STRIPE_TOLERANCE_S = 300;

/** `t=…,v1=…,v1=…,v0=…` → timestamp and the v1 signatures (other schemes are ignored, as Stripe does). */
function parse(value: string): { t: number | null; v1: string[] } {
  let t: number | null = null;
  const v1: string[] = [];
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    const key = item.slice(0, eq).trim();
    const text = item.slice(eq + 1).trim();
    if (key === 't') t = parseTimestamp(text);
    else if (key === 'v1') v1.push(text);
  }
  return { t, v1 };
}

/** HMAC-SHA256 of `<t>.<raw body>`, keyed with the whole `whsec_…` string. */
function sign(secret: string, t: number, body: Uint8Array): Buffer {
  return hmac('sha256', secret, [`${t}.`, body]);
}

/** Stripe: `Stripe-Signature: t=<epoch s>,v1=<hex>`; 300 s tolerance. */
export const stripe: SignatureScheme = {
  id: 'stripe',
  detect: (headers) => headerValue(headers, HEADER) !== undefined,
  verify(request, secret, now) {
    const { t, v1 } = parse(headerValue(request.headers, HEADER) ?? '');
    if (t === null) return verdict.malformed('stripe', 'Stripe-Signature has no t= timestamp');
    if (v1.length === 0) return verdict.malformed('stripe', 'Stripe-Signature has no v1= signature', t);
    const expected = sign(secret, t, request.body);
    const matches = v1.some((text) => {
      const given = fromHex(text);
      return given !== null && sameDigest(expected, given);
    });
    if (!matches) return verdict.mismatch('stripe', t, 'v1 signature');
    return judgeTimestamp('stripe', t, now, STRIPE_TOLERANCE_S);
  },
  signedAt: (headers) => ({ timestamp: parse(headerValue(headers, HEADER) ?? '').t, toleranceS: STRIPE_TOLERANCE_S }),
  resign(request, secret, { now }) {
    const t = Math.floor(now / 1000);
    const value = `t=${t},v1=${sign(secret, t, request.body).toString('hex')}`;
    return { provider: 'stripe', headers: withHeader(request.headers, HEADER, value), timestamp: t };
  },
};
