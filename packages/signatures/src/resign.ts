import { SignatureError } from './errors.js';
import { detectScheme } from './schemes.js';
import type { Resigned, ResignOptions, SignatureConfig, SignedRequest } from './types.js';

/**
 * Signature headers for sending this request again: recomputed over the exact
 * (possibly edited) body bytes with a fresh timestamp. Only the signature
 * headers change (in place, same spelling); the body is never re-serialised.
 * Throws `E_SIGNATURE_UNSIGNED` when no known signature header is present and
 * `E_SIGNATURE_NO_SECRET` when the provider's secret is missing.
 *
 * @example
 * const { headers } = resignRequest({ headers, body }, { secrets: { stripe: 'whsec_…' } }, { now: Date.now() });
 */
export function resignRequest(request: SignedRequest, config: SignatureConfig, options: ResignOptions): Resigned {
  const scheme = detectScheme(request.headers, config.generic);
  if (!scheme) {
    throw new SignatureError(
      'E_SIGNATURE_UNSIGNED',
      'this request carries no signature header hookline knows; nothing to re-sign',
    );
  }
  const secret = config.secrets[scheme.id];
  if (secret === undefined || secret === '') {
    throw new SignatureError(
      'E_SIGNATURE_NO_SECRET',
      `cannot re-sign: no ${scheme.id} secret (--secret ${scheme.id}=…, HOOKLINE_SECRET_${scheme.id.toUpperCase()} or "secrets" in hookline.json)`,
    );
  }
  return scheme.resign(request, secret, options);
}
