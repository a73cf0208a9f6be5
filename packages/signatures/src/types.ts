/** Providers hookline knows how to verify and re-sign. */
export type ProviderId = 'stripe' | 'github' | 'standard' | 'slack' | 'shopify' | 'generic';

export const PROVIDERS: readonly ProviderId[] = ['stripe', 'github', 'standard', 'slack', 'shopify', 'generic'];

/**
 * Outcome of checking one request:
 * - `valid`: a signature matches this secret (and the timestamp, if any, is within tolerance);
 * - `invalid`: the header is malformed, or no signature matches this secret;
 * - `stale`: the signature matches but its timestamp is outside the provider's tolerance;
 * - `no-secret`: the request is signed by a known provider, but hookline has no secret for it;
 * - `unsigned`: no known signature header.
 */
export type SignatureStatus = 'valid' | 'invalid' | 'stale' | 'no-secret' | 'unsigned';

/** A verdict: plain JSON, stored on captures and printed by `requests --json`. Never holds a secret. */
export interface SignatureVerdict {
  status: SignatureStatus;
  provider: ProviderId | null;
  /** Why, in one line, for anything but `valid` and `unsigned`. */
  reason: string | null;
  /** The signed timestamp (epoch seconds), for schemes that sign one. */
  timestamp: number | null;
}

/** A request as the wire carried it: Node's flat raw header list and the exact body bytes. */
export interface SignedRequest {
  headers: readonly string[];
  body: Uint8Array;
}

/** A provider-agnostic HMAC scheme for everything else. */
export interface GenericHmacConfig {
  /** Header holding the signature, e.g. `X-Signature`. */
  header: string;
  /** @default 'sha256' */
  algorithm?: 'sha1' | 'sha256' | 'sha512';
  /** @default 'hex' */
  encoding?: 'hex' | 'base64';
  /** Text before the digest in the header, e.g. `sha256=`. @default '' */
  prefix?: string;
  /** What is signed: the body, or `<timestamp><separator><body>`. @default 'body' */
  signed?: 'body' | 'timestamp+body';
  /** With `timestamp+body`: the header holding the epoch-seconds timestamp. */
  timestampHeader?: string;
  /** With `timestamp+body`. @default '.' */
  separator?: string;
  /** With `timestamp+body`: seconds a timestamp may be off. @default 300 */
  toleranceS?: number;
}

/** Secrets by provider, plus the generic scheme's shape when one is configured. */
export interface SignatureConfig {
  secrets: Partial<Record<ProviderId, string>>;
  generic?: GenericHmacConfig;
}

/** Clock and options for verification. */
export interface VerifyOptions {
  /** Epoch ms to judge timestamps against (a capture's receipt time, or now). */
  now: number;
}

export interface ResignOptions {
  /** Epoch ms used as the fresh timestamp. */
  now: number;
  /** Standard Webhooks: send a new `webhook-id` (by default the id stays, so the app sees the same event). */
  newId?: boolean;
}

/** The headers a re-signed request goes out with (the body is untouched). */
export interface Resigned {
  provider: ProviderId;
  headers: string[];
  timestamp: number | null;
}

/** A scheme's signed timestamp and the provider's documented tolerance. */
export interface SignedAt {
  /** Epoch seconds; null when the header is missing or malformed. */
  timestamp: number | null;
  toleranceS: number;
}

/** One provider's scheme. */
export interface SignatureScheme {
  id: ProviderId;
  /** Does this request carry this provider's signature header? */
  detect(headers: readonly string[]): boolean;
  verify(request: SignedRequest, secret: string, now: number): SignatureVerdict;
  /**
   * The signed timestamp (epoch s) and the tolerance apps hold it to, read from the
   * headers alone (no secret, no body); null for schemes that sign no timestamp.
   */
  signedAt(headers: readonly string[]): SignedAt | null;
  resign(request: SignedRequest, secret: string, options: ResignOptions): Resigned;
}
