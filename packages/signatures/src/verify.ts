import { detectScheme } from './schemes.js';
import type { SignatureConfig, SignatureVerdict, SignedRequest, VerifyOptions } from './types.js';
import { verdict } from './verdict.js';

/**
 * Check a request's signature over its exact body bytes, judging timestamps
 * against `options.now` (pass a capture's receipt time to know what the app saw
 * then, or the current time to know what it would see now).
 *
 * @example
 * verifySignature({ headers: req.rawHeaders, body }, { secrets: { stripe: 'whsec_…' } }, { now: Date.now() });
 * // { status: 'valid', provider: 'stripe', reason: null, timestamp: 1700000000 }
 */
export function verifySignature(
  request: SignedRequest,
  config: SignatureConfig,
  options: VerifyOptions,
): SignatureVerdict {
  const scheme = detectScheme(request.headers, config.generic);
  if (!scheme) return verdict.unsigned();
  const secret = config.secrets[scheme.id];
  if (secret === undefined || secret === '') return verdict.noSecret(scheme.id);
  return scheme.verify(request, secret, options.now);
}
