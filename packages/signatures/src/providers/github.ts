import { fromHex, hmac, sameDigest } from '../hmac.js';
import { headerValue, withHeader } from '../raw-headers.js';
import type { SignatureScheme } from '../types.js';
import { verdict } from '../verdict.js';

const HEADER = 'X-Hub-Signature-256';
/** The legacy SHA-1 header GitHub still sends alongside; re-signed too when present. */
const LEGACY = 'X-Hub-Signature';

/** GitHub: `X-Hub-Signature-256: sha256=<hex HMAC of the body>`. No timestamp, so never stale. */
export const github: SignatureScheme = {
  id: 'github',
  detect: (headers) => headerValue(headers, HEADER) !== undefined,
  verify(request, secret) {
    const value = (headerValue(request.headers, HEADER) ?? '').trim();
    if (!value.startsWith('sha256=')) return verdict.malformed('github', 'X-Hub-Signature-256 must start with sha256=');
    const given = fromHex(value.slice('sha256='.length));
    if (given === null) return verdict.malformed('github', 'X-Hub-Signature-256 is not a hex digest');
    return sameDigest(hmac('sha256', secret, [request.body]), given)
      ? verdict.valid('github')
      : verdict.mismatch('github');
  },
  signedAt: () => null,
  resign(request, secret) {
    let headers = withHeader(
      request.headers,
      HEADER,
      `sha256=${hmac('sha256', secret, [request.body]).toString('hex')}`,
    );
    if (headerValue(headers, LEGACY) !== undefined) {
      headers = withHeader(headers, LEGACY, `sha1=${hmac('sha1', secret, [request.body]).toString('hex')}`);
    }
    return { provider: 'github', headers, timestamp: null };
  },
};
