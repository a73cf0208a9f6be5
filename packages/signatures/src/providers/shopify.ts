import { fromBase64, hmac, sameDigest } from '../hmac.js';
import { headerValue, withHeader } from '../raw-headers.js';
import type { SignatureScheme } from '../types.js';
import { verdict } from '../verdict.js';

const HEADER = 'X-Shopify-Hmac-Sha256';

/** Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256 of the body>`. No timestamp is signed. */
export const shopify: SignatureScheme = {
  id: 'shopify',
  detect: (headers) => headerValue(headers, HEADER) !== undefined,
  verify(request, secret) {
    const given = fromBase64((headerValue(request.headers, HEADER) ?? '').trim());
    if (given === null) return verdict.malformed('shopify', `${HEADER} is not base64`);
    return sameDigest(hmac('sha256', secret, [request.body]), given)
      ? verdict.valid('shopify')
      : verdict.mismatch('shopify');
  },
  signedAt: () => null,
  resign(request, secret) {
    const value = hmac('sha256', secret, [request.body]).toString('base64');
    return { provider: 'shopify', headers: withHeader(request.headers, HEADER, value), timestamp: null };
  },
};
