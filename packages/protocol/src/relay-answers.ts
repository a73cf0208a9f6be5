import { z } from 'zod';

/**
 * What a tunnel may ask its relay to answer by itself (issue 18): providers'
 * handshakes, answered even while the client is away, and the response a caller
 * gets while the tunnel is offline. Declared in HELLO; the relay keeps it in
 * memory for the name, never on disk.
 */

/** Handshakes the relay knows how to answer. */
export const HANDSHAKE_KINDS = ['slack', 'zoom', 'graph', 'websub', 'cloudevents'] as const;
export type HandshakeKind = (typeof HANDSHAKE_KINDS)[number];

export function isHandshakeKind(text: string): text is HandshakeKind {
  return (HANDSHAKE_KINDS as readonly string[]).includes(text);
}

/** Largest offline response body a tunnel may declare. */
export const MAX_OFFLINE_BODY_BYTES = 64 * 1024;
/** Header fields (name/value pairs) an offline response may carry. */
export const MAX_OFFLINE_HEADERS = 16;
/** Longest secret (Zoom's secret token) a tunnel may hand the relay. */
export const MAX_HANDSHAKE_SECRET = 256;

/** Header names the relay writes itself: framing is the relay's, never a declaration's. */
const RELAY_OWNED_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'trailer',
  'te',
]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const handshakesSchema = z
  .array(z.enum(HANDSHAKE_KINDS))
  .min(1)
  .max(HANDSHAKE_KINDS.length)
  .refine((list) => new Set(list).size === list.length, 'each handshake at most once');

/** Secrets a handshake needs, by kind: held in the relay's memory only. */
export const handshakeSecretsSchema = z.strictObject({
  zoom: z.string().min(1).max(MAX_HANDSHAKE_SECRET).optional(),
});

export const offlineResponseSchema = z.strictObject({
  status: z.number().int().min(200).max(599),
  /** Flat name/value list like every header list of the protocol. */
  headers: z
    .array(z.string().max(1024))
    .max(MAX_OFFLINE_HEADERS * 2)
    .refine((list) => list.length % 2 === 0, 'headers must be name/value pairs')
    .refine(
      (list) => list.every((item, i) => (i % 2 === 0 ? TOKEN.test(item) : FIELD_VALUE.test(item))),
      'invalid header name or value',
    )
    .refine(
      (list) => list.every((item, i) => i % 2 === 1 || !RELAY_OWNED_HEADERS.has(item.toLowerCase())),
      'framing headers (content-length, transfer-encoding, connection…) are the relay’s own',
    ),
  /** The body, base64. */
  body: z
    .string()
    .max(Math.ceil(MAX_OFFLINE_BODY_BYTES / 3) * 4)
    .regex(BASE64, 'body must be base64'),
});

export type HandshakeSecrets = z.infer<typeof handshakeSecretsSchema>;
export type OfflineResponse = z.infer<typeof offlineResponseSchema>;

/**
 * Relay → client (RELAY_ANSWER, stream 0): the relay answered a request of this
 * tunnel itself, so the client can capture it. Sent only to clients that
 * declared handshakes (older clients would not know the frame type).
 */
export const relayAnswerSchema = z.object({
  kind: z.literal('handshake'),
  handshake: z.enum(HANDSHAKE_KINDS),
  method: z.string().max(32),
  target: z
    .string()
    .min(1)
    .max(64 * 1024),
  headers: z.array(z.string().max(64 * 1024)).max(2000),
  /** The request body the relay read, base64 (at most the detection cap). */
  body: z
    .string()
    .max(Math.ceil(MAX_OFFLINE_BODY_BYTES / 3) * 4)
    .regex(BASE64),
  remoteAddress: z.string().max(100),
  protocol: z.enum(['http', 'https']),
  host: z.string().max(1024),
  publicPath: z
    .string()
    .max(64 * 1024)
    .optional(),
  receivedAt: z.number(),
  response: z.object({
    status: z.number().int().min(100).max(599),
    headers: z.array(z.string().max(4096)).max(64),
    body: z.string().max(8192),
  }),
});

export type RelayAnswer = z.infer<typeof relayAnswerSchema>;
