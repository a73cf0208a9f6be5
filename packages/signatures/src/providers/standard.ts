import { randomBytes } from 'node:crypto';
import { fromBase64, hmac, sameDigest } from '../hmac.js';
import { headerValue, withHeader } from '../raw-headers.js';
import type { SignatureScheme, SignedRequest } from '../types.js';
import { judgeTimestamp, parseTimestamp, verdict } from '../verdict.js';

/** The spec's default tolerance (and the reference libraries'). */
export const STANDARD_TOLERANCE_S = 300;

/** Standard Webhooks headers, or Svix's branded `svix-*` spelling of the same scheme. */
function names(headers: readonly string[]): { id: string; timestamp: string; signature: string } {
  const prefix =
    headerValue(headers, 'webhook-signature') === undefined && headerValue(headers, 'svix-signature') !== undefined
      ? 'svix'
      : 'webhook';
  return { id: `${prefix}-id`, timestamp: `${prefix}-timestamp`, signature: `${prefix}-signature` };
}

/** `whsec_<base64>` → key bytes (the prefix is optional, as in the reference libraries). */
function standardKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

function sign(secret: string, id: string, t: number, body: Uint8Array): Buffer {
  return hmac('sha256', standardKey(secret), [`${id}.${t}.`, body]);
}

/** The `webhook-id` of a request (its event id), either spelling. */
export function standardId(request: Pick<SignedRequest, 'headers'>): string | undefined {
  return headerValue(request.headers, names(request.headers).id);
}

/**
 * Standard Webhooks / Svix: `webhook-signature: v1,<base64> v1,<base64>…` over
 * `<webhook-id>.<webhook-timestamp>.<body>`, keyed with the base64 of a `whsec_` secret.
 */
export const standard: SignatureScheme = {
  id: 'standard',
  detect: (headers) =>
    headerValue(headers, 'webhook-signature') !== undefined || headerValue(headers, 'svix-signature') !== undefined,
  verify(request, secret, now) {
    const h = names(request.headers);
    const id = headerValue(request.headers, h.id);
    const t = parseTimestamp(headerValue(request.headers, h.timestamp));
    if (id === undefined) return verdict.malformed('standard', `${h.id} is missing`);
    if (t === null) return verdict.malformed('standard', `${h.timestamp} is missing or not a number`);
    const given = (headerValue(request.headers, h.signature) ?? '')
      .split(' ')
      .filter((item) => item.startsWith('v1,'))
      .map((item) => fromBase64(item.slice(3)));
    if (given.length === 0) return verdict.malformed('standard', `${h.signature} has no v1 signature`, t);
    const expected = sign(secret, id, t, request.body);
    if (!given.some((digest) => digest !== null && sameDigest(expected, digest))) {
      return verdict.mismatch('standard', t, 'v1 signature');
    }
    return judgeTimestamp('standard', t, now, STANDARD_TOLERANCE_S);
  },
  signedAt: (headers) => ({
    timestamp: parseTimestamp(headerValue(headers, names(headers).timestamp)),
    toleranceS: STANDARD_TOLERANCE_S,
  }),
  resign(request, secret, { now, newId }) {
    const h = names(request.headers);
    const t = Math.floor(now / 1000);
    let headers = [...request.headers];
    let id = headerValue(headers, h.id);
    // A new id only when asked: the app's idempotency check should see the same event by default.
    if (newId || id === undefined) {
      id = `msg_${randomBytes(18).toString('base64url')}`;
      headers = withHeader(headers, h.id, id);
    }
    headers = withHeader(headers, h.timestamp, String(t));
    headers = withHeader(headers, h.signature, `v1,${sign(secret, id, t, request.body).toString('base64')}`);
    return { provider: 'standard', headers, timestamp: t };
  },
};
