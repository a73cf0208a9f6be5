/**
 * Stable error codes. The same code reaches the public caller (`hookline-error`
 * header), the client's events, the CLI/TUI and the logs, so it never changes
 * meaning once published.
 */
export const ERROR_STATUS = {
  E_BAD_REQUEST: 400,
  E_UNAUTHORIZED: 401,
  E_TUNNEL_AUTH: 401,
  E_FORBIDDEN: 403,
  E_REQUEST_TIMEOUT: 408,
  E_RATE_LIMITED: 429,
  E_TOO_MANY_TUNNELS: 429,
  E_HEADERS_TOO_LARGE: 431,
  E_TUNNEL_NOT_FOUND: 404,
  E_NAME_TAKEN: 409,
  E_NAME_INVALID: 400,
  E_BODY_TOO_LARGE: 413,
  E_LOCAL_REFUSED: 502,
  E_LOCAL_ERROR: 502,
  E_TUNNEL_CLOSED: 502,
  E_PROTOCOL: 502,
  E_STREAM_RESET: 502,
  // The tunnel client broke HTTP framing
  // (lengths, statuses, 1xx/101) or sent body bytes beyond the window the relay granted.
  E_BAD_RESPONSE: 502,
  E_FLOW_CONTROL: 502,
  E_TUNNEL_OFFLINE: 503,
  E_QUEUE_FULL: 507,
  // The relay's store cannot write (disk full, I/O error): nothing was stored.
  E_STORE_UNAVAILABLE: 507,
  E_TOO_MANY_STREAMS: 503,
  E_RELAY_SHUTDOWN: 503,
  E_LOCAL_TIMEOUT: 504,
  E_RELAY_UNREACHABLE: 502,
  E_VERSION: 426,
  E_CANCELLED: 499,
  E_INTERNAL: 500,
  // Issue 14 (isolation and abuse limits), kept together for an easy merge.
  /** Another live client holds the name; `--takeover` replaces it. Retrying cannot succeed. */
  E_NAME_IN_USE: 409,
  /**
   * The token reserved its quota of names. 403, not 429: waiting does not help
   * (429 invites a retry); freeing a name (`hookline name release`) does.
   */
  E_TOO_MANY_NAMES: 403,
  /** CONNECT: the relay is not a forward proxy. */
  E_METHOD_NOT_ALLOWED: 405,
  /** An `Expect` other than `100-continue`. */
  E_EXPECTATION_FAILED: 417,
  /** A name whose offline queue still holds webhooks cannot be released: drop them first. */
  E_QUEUE_NOT_EMPTY: 409,
  /** A declared handshake the relay recognised but cannot answer (a challenge too long, a bad origin). */
  E_BAD_HANDSHAKE: 400,
  /** The queue API was given a delivery id its queue does not hold (or cannot retry now). */
  E_DELIVERY_NOT_FOUND: 404,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}

/** An error with a stable `code` and the HTTP status a public caller sees for it. */
export class HooklineError extends Error {
  readonly code: ErrorCode;
  readonly status: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HooklineError';
    this.code = code;
    this.status = ERROR_STATUS[code];
  }
}

/** Raised (or returned) by the codec for bytes that are not a valid frame. */
export class ProtocolError extends HooklineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_PROTOCOL', message, options);
    this.name = 'ProtocolError';
  }
}

/** The one factory for coded errors, so call sites never invent codes. */
export function createError(code: ErrorCode, message: string, cause?: unknown): HooklineError {
  return new HooklineError(code, message, cause === undefined ? undefined : { cause });
}
