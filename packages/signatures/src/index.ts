/**
 * @module @hookline/signatures — webhook signatures: detect the provider from the
 * headers, verify over the raw body bytes (constant-time, injectable clock), and
 * re-sign a request with a fresh timestamp without touching its body. Stripe,
 * GitHub, Standard Webhooks / Svix, Slack, Shopify and a configurable HMAC.
 */
export { SignatureError, type SignatureErrorCode } from './errors.js';
export { type EventId, eventIdOf } from './event-id.js';
export { type Lateness, type LateResign, lateDelivery, resignLate } from './late.js';
export { resolveGeneric } from './providers/generic.js';
export { SLACK_TOLERANCE_S } from './providers/slack.js';
export { STANDARD_TOLERANCE_S } from './providers/standard.js';
export { STRIPE_TOLERANCE_S } from './providers/stripe.js';
export { resignRequest } from './resign.js';
export { detectScheme } from './schemes.js';
export { parseSecretFlag, providerName, secretsFromEnv } from './secrets.js';
export {
  type GenericHmacConfig,
  PROVIDERS,
  type ProviderId,
  type Resigned,
  type ResignOptions,
  type SignatureConfig,
  type SignatureScheme,
  type SignatureStatus,
  type SignatureVerdict,
  type SignedAt,
  type SignedRequest,
  type VerifyOptions,
} from './types.js';
export { verifySignature } from './verify.js';
