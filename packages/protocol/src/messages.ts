import { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from './errors.js';
import { handshakeSecretsSchema, handshakesSchema, offlineResponseSchema } from './relay-answers.js';

/** RFC 9110 token: what a header name may be. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What Node's http layer accepts in a header value (no CR, LF or NUL). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const MAX_HEADER_FIELDS = 1000;

/**
 * Headers travel as Node's flat raw list `[name, value, name, value…]`: it keeps
 * order, case and repeats, and both ends hand it to Node without reshaping.
 */
const rawHeadersSchema = z
  .array(z.string().max(64 * 1024))
  .max(MAX_HEADER_FIELDS * 2)
  .refine((list) => list.length % 2 === 0, 'headers must be name/value pairs')
  .refine(
    (list) => list.every((item, i) => (i % 2 === 0 ? HEADER_NAME.test(item) : HEADER_VALUE.test(item))),
    'invalid header name or value',
  );

/**
 * How a queued tunnel's webhooks are delivered: `serial` (in order, one at a time) or
 * `parallel:N` (N at once, 1-64). The one rule: HELLO, the relay's reservations and
 * the CLI's `--queue` all check it here.
 */
export type QueueMode = 'serial' | `parallel:${number}`;
export const QUEUE_MODE_PATTERN = /^(serial|parallel:([1-9]|[1-5][0-9]|6[0-4]))$/;

export function isQueueMode(text: string): text is QueueMode {
  return QUEUE_MODE_PATTERN.test(text);
}

const errorCodeSchema = z
  .string()
  .refine((code): code is ErrorCode => Object.hasOwn(ERROR_STATUS, code), 'unknown error code');

export const helloSchema = z.object({
  /** Protocol versions the client speaks. */
  versions: z.array(z.number().int().positive()).min(1).max(16),
  /** Random per client process; lets a reconnect take over its own stale session. */
  clientId: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  /** Requested tunnel name; a random one is assigned when absent. */
  name: z.string().max(63).optional(),
  /** Free-form client description for logs, e.g. `hookline/0.1.0`. */
  agent: z.string().max(200).optional(),
  /**
   * Ask the relay to queue this (token-owned, named) tunnel's webhooks durably
   * while it is offline, delivered `serial` (in order) or `parallel:N`.
   */
  queue: z.string().regex(QUEUE_MODE_PATTERN).optional(),
  /** Protect the public URL: HTTP basic auth (`user:password`) and/or caller CIDR ranges. */
  access: z
    .object({
      basicAuth: z.string().min(3).max(512).includes(':').optional(),
      allowCidr: z.array(z.string().max(64)).min(1).max(64).optional(),
      /** Keep the caller's `Authorization` (the tunnel's basic auth) on forwarded requests; dropped by default. */
      forwardAuth: z.boolean().optional(),
    })
    .optional(),
  /** Handshakes the relay answers for this tunnel, online or not (`relay-answers.ts`). */
  handshakes: handshakesSchema.optional(),
  /** Secrets those handshakes need (Zoom's secret token); the relay keeps them in memory only. */
  handshakeSecrets: handshakeSecretsSchema.optional(),
  /** What a caller gets while the tunnel is offline, instead of 503 (or the queue's 202). */
  offlineResponse: offlineResponseSchema.optional(),
});

export const readySchema = z.object({
  version: z.number().int().positive(),
  sessionId: z.string().max(64),
  name: z.string().max(63),
  /** Public URLs of the tunnel, the preferred one first. */
  urls: z.array(z.string().max(2048)).min(1).max(8),
  /**
   * Per-stream window, both ways: the credit the relay grants the client for a
   * response body, and the credit the relay starts each request body with. The
   * client relies on the second: a request body declared within it is collected
   * whole before the local server sees it, without returning credit.
   */
  window: z
    .number()
    .int()
    .positive()
    .max(2 ** 31),
  /** The relay pings this often; a client that hears nothing for ~2.5× may assume the link dead. */
  heartbeatMs: z.number().int().positive(),
});

export const errorMessageSchema = z.object({
  code: errorCodeSchema,
  message: z.string().max(4096),
});

export const requestHeadSchema = z.object({
  method: z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/),
  /** Path and query as forwarded to the local target (routing prefix removed). */
  target: z
    .string()
    .min(1)
    .max(64 * 1024),
  headers: rawHeadersSchema,
  /** Caller's address as the relay saw it (for x-forwarded-for). */
  remoteAddress: z.string().max(100),
  /** Scheme of the public URL the caller used (for x-forwarded-proto). */
  protocol: z.enum(['http', 'https']),
  /** Public Host the caller used (for x-forwarded-host). */
  host: z.string().max(1024),
  /**
   * Path and query exactly as the caller sent them, when routing changed them
   * (path routing: `/t/<name>/hooks`, `target` being `/hooks`); absent when they
   * equal `target`. Optional both ways: older clients ignore it, older relays omit it.
   */
  publicPath: z
    .string()
    .min(1)
    .max(64 * 1024)
    .optional(),
  /** The caller asked to upgrade the connection (WebSocket and friends). */
  upgrade: z.boolean(),
  /** False when the request is known to carry no body, so the head alone ends it. */
  hasBody: z.boolean(),
  /** Relay clock when the head arrived, ms since epoch. */
  receivedAt: z.number(),
  /** Set for a webhook from the durable queue: same id on every attempt. */
  delivery: z.object({ id: z.string().max(128), attempt: z.number().int().positive() }).optional(),
});

export const responseHeadSchema = z.object({
  status: z.number().int().min(100).max(999),
  // Same characters as a header value: it is written into the status line as is.
  statusText: z.string().max(512).regex(HEADER_VALUE, 'invalid reason phrase').optional(),
  headers: rawHeadersSchema,
});

export const resetSchema = errorMessageSchema;

/** Relay → client: the tunnel's offline queue, whenever it changes (for the inspector's header). */
export const queueStatusSchema = z.object({
  pending: z.number().int().min(0),
  failed: z.number().int().min(0),
  /** Delivered (acknowledged) since this session began: the drain's progress. Older relays omit it. */
  delivered: z.number().int().min(0).optional(),
});

export const deliveryAckSchema = z.object({
  deliveryId: z.string().max(128),
  status: z.number().int().min(0).max(999),
});

export type Hello = z.infer<typeof helloSchema>;
export type Ready = z.infer<typeof readySchema>;
export type ErrorMessage = { code: ErrorCode; message: string };
export type RequestHead = z.infer<typeof requestHeadSchema>;
export type ResponseHead = z.infer<typeof responseHeadSchema>;
export type Reset = ErrorMessage;
export type DeliveryAck = z.infer<typeof deliveryAckSchema>;
export type QueueStatus = z.infer<typeof queueStatusSchema>;
