import { genericScheme } from './providers/generic.js';
import { github } from './providers/github.js';
import { shopify } from './providers/shopify.js';
import { slack } from './providers/slack.js';
import { standard } from './providers/standard.js';
import { stripe } from './providers/stripe.js';
import type { GenericHmacConfig, SignatureScheme } from './types.js';

/** Named providers first: their headers are specific, the generic one is whatever the user chose. */
const BUILT_IN: readonly SignatureScheme[] = [stripe, github, standard, slack, shopify];

const genericCache = new WeakMap<GenericHmacConfig, SignatureScheme>();

/**
 * The scheme whose signature header this request carries, or null when it has
 * none hookline knows.
 *
 * @example
 * detectScheme(['Stripe-Signature', 't=1,v1=ab'])?.id; // 'stripe'
 */
export function detectScheme(headers: readonly string[], generic?: GenericHmacConfig): SignatureScheme | null {
  for (const scheme of BUILT_IN) if (scheme.detect(headers)) return scheme;
  if (generic) {
    let scheme = genericCache.get(generic);
    if (!scheme) {
      scheme = genericScheme(generic);
      genericCache.set(generic, scheme);
    }
    if (scheme.detect(headers)) return scheme;
  }
  return null;
}
