import { fromHex, hmac, sameDigest } from '../hmac.js';
import { headerValue, withHeader } from '../raw-headers.js';
import type { SignatureScheme } from '../types.js';
import { judgeTimestamp, parseTimestamp, verdict } from '../verdict.js';

const SIGNATURE = 'X-Slack-Signature';
const TIMESTAMP = 'X-Slack-Request-Timestamp';
/** Slack asks apps to reject requests more than five minutes off. */
export const SLACK_TOLERANCE_S = 300;

function sign(secret: string, t: number, body: Uint8Array): Buffer {
  return hmac('sha256', secret, [`v0:${t}:`, body]);
}

/** Slack: `X-Slack-Signature: v0=<hex HMAC of "v0:<timestamp>:<body>">` + `X-Slack-Request-Timestamp`. */
export const slack: SignatureScheme = {
  id: 'slack',
  detect: (headers) => headerValue(headers, SIGNATURE) !== undefined,
  verify(request, secret, now) {
    const t = parseTimestamp(headerValue(request.headers, TIMESTAMP));
    if (t === null) return verdict.malformed('slack', `${TIMESTAMP} is missing or not a number`);
    const value = (headerValue(request.headers, SIGNATURE) ?? '').trim();
    const given = value.startsWith('v0=') ? fromHex(value.slice(3)) : null;
    if (given === null) return verdict.malformed('slack', `${SIGNATURE} must be v0=<hex>`, t);
    if (!sameDigest(sign(secret, t, request.body), given)) return verdict.mismatch('slack', t);
    return judgeTimestamp('slack', t, now, SLACK_TOLERANCE_S);
  },
  signedAt: (headers) => ({
    timestamp: parseTimestamp(headerValue(headers, TIMESTAMP)),
    toleranceS: SLACK_TOLERANCE_S,
  }),
  resign(request, secret, { now }) {
    const t = Math.floor(now / 1000);
    let headers = withHeader(request.headers, TIMESTAMP, String(t));
    headers = withHeader(headers, SIGNATURE, `v0=${sign(secret, t, request.body).toString('hex')}`);
    return { provider: 'slack', headers, timestamp: t };
  },
};
