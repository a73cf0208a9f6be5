import { DEFAULT_STREAM_WINDOW } from '@hookline/protocol';
import type { ClusterFactory } from './cluster-node.js';
import { DEFAULT_QUEUE_LIMITS, type QueueLimits } from './queue/queue-limits.js';
import type { RelayObserver } from './relay-observer.js';

/** Structured log sink; pino's logger fits as is. */
export interface RelayLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface RelayOptions {
  /**
   * Base domain for host routing: `<name>.<domain>` reaches tunnel `<name>`.
   * Without it only path routing (`/t/<name>/…`) is available.
   */
  domain?: string;
  /**
   * The URL the relay is reachable at from outside (scheme, host, port), used to
   * build tunnel URLs. @default `http://<domain or listen host>:<port>`
   */
  publicUrl?: string;
  /**
   * Accepted bearer tokens for the tunnel endpoint. Empty: open relay (anyone may
   * open a tunnel). Kept only as hashes in memory.
   * @default []
   */
  tokens?: readonly string[];
  /**
   * `required`: a tunnel needs a token (from `tokens` or the data dir's token
   * file). `none`: open relay, tunnels are anonymous.
   * @default 'required' when `tokens` is not empty, else 'none'
   */
  auth?: 'required' | 'none';
  /**
   * Directory for the token file, name reservations and offline queues. Without
   * it nothing persists: reservations last as long as the process, queues are off.
   */
  dataDir?: string;
  /** Offline queue caps and retry schedule (per tunnel). @default DEFAULT_QUEUE_LIMITS */
  queue?: Partial<QueueLimits>;
  /** Ping every session this often; one missed pong ends it. @default 30_000 */
  heartbeatIntervalMs?: number;
  /** A client must send HELLO within this time of connecting. @default 10_000 */
  helloTimeoutMs?: number;
  /** Largest request body forwarded (413 beyond it). @default 32 MiB */
  maxBodyBytes?: number;
  /** Concurrent exchanges per tunnel (503 + Retry-After beyond it). @default 1_000 */
  maxStreamsPerTunnel?: number;
  /** Per-stream flow-control window. @default 1 MiB */
  streamWindow?: number;
  /** Request rate per tunnel (token bucket; 429 + Retry-After beyond). @default 500/s, burst 1 000 */
  tunnelRate?: { perSecond: number; burst: number };
  /**
   * Failed token checks allowed per caller address (with `trustProxy` applied;
   * IPv6 per /64), on every route that checks a token (then 429). @default 20 per minute
   */
  authFailuresPerMinute?: number;
  /**
   * Failed token checks allowed per minute from all addresses together, so that
   * rotating addresses does not buy unlimited guesses. While exhausted, only
   * addresses that passed a check in the last 24 h may try. @default 600 per minute
   */
  authFailuresPerMinuteTotal?: number;
  /** Names one token may reserve (`E_TOO_MANY_NAMES` beyond; free with `hookline name release`). @default 20 */
  maxNamesPerToken?: number;
  /** Live tunnels one token may hold at once. @default 20 */
  maxTunnelsPerToken?: number;
  /** Request head size (431 beyond). @default 16 KiB */
  maxHeaderBytes?: number;
  /** Request header fields (431 beyond). @default 200 */
  maxHeaderCount?: number;
  /** Time for a caller to send the request head (408 after; slowloris). @default 10_000 */
  headersTimeoutMs?: number;
  /** Time for a caller to send the whole request (408 after). @default 300_000 */
  requestTimeoutMs?: number;
  /** Take `x-forwarded-for` as the caller's address (only behind your own proxy). @default false */
  trustProxy?: boolean;
  /** Tunnels without a token may ask for a name (else random names only). @default true */
  allowAnonymousNames?: boolean;
  /**
   * Operator expiry: a reserved name unused this long (no client, no queued
   * webhooks) is freed. @default never
   */
  nameTtlMs?: number;
  /** @default a logger that writes nothing */
  logger?: RelayLogger;
  /** Hooks for logs, metrics and extra service routes. @default none */
  observer?: RelayObserver;
  /**
   * Run as one node of a cluster: names, tokens, routes and offline queues
   * shared by the nodes, requests for tunnels held by other nodes proxied to
   * them. Pass `redisCluster(…)` from `@hookline/cluster` (imported only by a
   * program that runs in cluster mode). @default none: a relay on its own
   */
  cluster?: ClusterFactory;
}

export type ResolvedRelayOptions = Readonly<ResolvedFields>;

type ResolvedFields = Required<
  Omit<RelayOptions, 'domain' | 'publicUrl' | 'dataDir' | 'queue' | 'cluster' | 'nameTtlMs'>
> &
  Pick<RelayOptions, 'domain' | 'publicUrl' | 'dataDir' | 'cluster' | 'nameTtlMs'> & { queue: QueueLimits };

const silent: RelayLogger = { info() {}, warn() {}, error() {} };

/**
 * Every numeric default in one place, exported so the relay service's settings
 * table documents the values the relay really uses instead of a copy of them.
 */
export const RELAY_DEFAULTS = {
  heartbeatIntervalMs: 30_000,
  helloTimeoutMs: 10_000,
  // GitHub sends webhook payloads of up to 25 MB; 32 MiB lets them all through.
  maxBodyBytes: 32 * 1024 * 1024,
  maxStreamsPerTunnel: 1_000,
  tunnelRate: { perSecond: 500, burst: 1_000 },
  authFailuresPerMinute: 20,
  authFailuresPerMinuteTotal: 600,
  maxTunnelsPerToken: 20,
  maxNamesPerToken: 20,
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 200,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 300_000,
} as const;

function positive(name: string, value: number): number {
  if (!(value > 0)) throw new TypeError(`relay option ${name} must be a positive number, got ${value}`);
  return value;
}

/** Merge defaults once and reject impossible settings at construction. */
export function resolveRelayOptions(options: RelayOptions): ResolvedRelayOptions {
  if (options.domain !== undefined && !/^[a-z0-9.-]+$/i.test(options.domain)) {
    throw new TypeError(`relay option domain is not a host name: ${options.domain}`);
  }
  if (options.publicUrl !== undefined && !URL.canParse(options.publicUrl)) {
    throw new TypeError(`relay option publicUrl is not a URL: ${options.publicUrl}`);
  }
  const resolved: ResolvedFields = {
    tokens: options.tokens ?? [],
    auth: options.auth ?? ((options.tokens ?? []).length > 0 ? 'required' : 'none'),
    heartbeatIntervalMs: positive(
      'heartbeatIntervalMs',
      options.heartbeatIntervalMs ?? RELAY_DEFAULTS.heartbeatIntervalMs,
    ),
    helloTimeoutMs: positive('helloTimeoutMs', options.helloTimeoutMs ?? RELAY_DEFAULTS.helloTimeoutMs),
    maxBodyBytes: positive('maxBodyBytes', options.maxBodyBytes ?? RELAY_DEFAULTS.maxBodyBytes),
    maxStreamsPerTunnel: positive(
      'maxStreamsPerTunnel',
      options.maxStreamsPerTunnel ?? RELAY_DEFAULTS.maxStreamsPerTunnel,
    ),
    streamWindow: positive('streamWindow', options.streamWindow ?? DEFAULT_STREAM_WINDOW),
    logger: options.logger ?? silent,
    observer: options.observer ?? {},
    queue: { ...DEFAULT_QUEUE_LIMITS, ...options.queue },
    tunnelRate: options.tunnelRate ?? RELAY_DEFAULTS.tunnelRate,
    authFailuresPerMinute: positive(
      'authFailuresPerMinute',
      options.authFailuresPerMinute ?? RELAY_DEFAULTS.authFailuresPerMinute,
    ),
    authFailuresPerMinuteTotal: positive(
      'authFailuresPerMinuteTotal',
      options.authFailuresPerMinuteTotal ?? RELAY_DEFAULTS.authFailuresPerMinuteTotal,
    ),
    maxTunnelsPerToken: positive('maxTunnelsPerToken', options.maxTunnelsPerToken ?? RELAY_DEFAULTS.maxTunnelsPerToken),
    maxNamesPerToken: positive('maxNamesPerToken', options.maxNamesPerToken ?? RELAY_DEFAULTS.maxNamesPerToken),
    maxHeaderBytes: positive('maxHeaderBytes', options.maxHeaderBytes ?? RELAY_DEFAULTS.maxHeaderBytes),
    maxHeaderCount: positive('maxHeaderCount', options.maxHeaderCount ?? RELAY_DEFAULTS.maxHeaderCount),
    headersTimeoutMs: positive('headersTimeoutMs', options.headersTimeoutMs ?? RELAY_DEFAULTS.headersTimeoutMs),
    requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs ?? RELAY_DEFAULTS.requestTimeoutMs),
    trustProxy: options.trustProxy ?? false,
    allowAnonymousNames: options.allowAnonymousNames ?? true,
  };
  positive('tunnelRate.perSecond', resolved.tunnelRate.perSecond);
  positive('tunnelRate.burst', resolved.tunnelRate.burst);
  for (const [key, value] of Object.entries(resolved.queue)) positive(`queue.${key}`, value);
  if (options.dataDir !== undefined) resolved.dataDir = options.dataDir;
  if (options.cluster !== undefined) resolved.cluster = options.cluster;
  if (options.nameTtlMs !== undefined) resolved.nameTtlMs = positive('nameTtlMs', options.nameTtlMs);
  if (options.domain !== undefined) resolved.domain = options.domain.toLowerCase();
  if (options.publicUrl !== undefined) resolved.publicUrl = options.publicUrl.replace(/\/+$/, '');
  return resolved;
}
