import type { IncomingMessage } from 'node:http';
import type { ErrorCode } from '@hookline/protocol';
import type { ResolvedRelayOptions } from './options.js';
import type { QueueRegistry } from './queue/queue-registry.js';
import { RateLimiter } from './rate-limiter.js';
import { routeRequest, type TunnelRoute } from './routing.js';
import type { SessionTable } from './session-table.js';
import type { ReservationStore } from './store/reservations.js';
import { type AccessPolicy, checkAccess } from './tunnel-access.js';
import type { TunnelSession } from './tunnel-session.js';

/** Where a request goes: a live session, a tunnel's durable queue, the service routes, or an error. */
export type Destination =
  | { kind: 'service' }
  | { kind: 'error'; code: ErrorCode; message: string; headers?: Record<string, string>; name?: string }
  | { kind: 'tunnel'; route: TunnelRoute; session: TunnelSession }
  /** `heldHere`: this node holds a usable session for the tunnel (in a cluster, another node may). */
  | { kind: 'queued'; route: TunnelRoute; access: AccessPolicy | undefined; heldHere: boolean };

/** Where a request for a tunnel goes (anything but the relay's own routes). */
export type PublicDestination = Exclude<Destination, { kind: 'service' }>;

export type TunnelFinder = (req: IncomingMessage, upgrade: boolean, internal?: boolean) => Destination;

export interface TunnelFinderDeps {
  options: ResolvedRelayOptions;
  sessions: SessionTable;
  reservations: ReservationStore;
  queues: QueueRegistry;
}

/**
 * The ingress decision, in order: routing, header count, does the tunnel exist,
 * its access policy, its rate, then live / queued / offline. The tunnel's own
 * protection comes before anything is stored or forwarded.
 */
export function createTunnelFinder({ options, sessions, reservations, queues }: TunnelFinderDeps): TunnelFinder {
  const tunnelRate = new RateLimiter({ ratePerSecond: options.tunnelRate.perSecond, burst: options.tunnelRate.burst });

  /** `internal`: forwarded by another node of the cluster, which already saw the caller. */
  return (req, upgrade, internal = false) => {
    const routed = routeRequest(req.url, req.headers.host, options.domain);
    if (routed.kind === 'service') return routed;
    if (routed.kind === 'invalid') return { kind: 'error', code: 'E_BAD_REQUEST', message: routed.message };
    if (req.rawHeaders.length / 2 > options.maxHeaderCount) {
      return {
        kind: 'error',
        code: 'E_HEADERS_TOO_LARGE',
        message: `more than ${options.maxHeaderCount} header fields`,
      };
    }
    const { name } = routed.route;
    const reservation = reservations.get(name);
    const live = sessions.get(name);
    // In a cluster a session answers only while this node's lease on the route holds.
    const session = live && !live.closed && live.leaseValidUntil > Date.now() ? live : undefined;
    if (!session && !reservation) {
      return { kind: 'error', code: 'E_TUNNEL_NOT_FOUND', message: `no tunnel named "${name}" is online`, name };
    }
    const policy = session?.access ?? reservation?.access;
    const access = checkAccess(policy, req, options.trustProxy || internal);
    if (!access.ok) {
      return access.status === 401
        ? {
            kind: 'error',
            code: 'E_TUNNEL_AUTH',
            message: access.message,
            name,
            headers: { 'www-authenticate': 'Basic realm="hookline tunnel", charset="UTF-8"' },
          }
        : { kind: 'error', code: 'E_FORBIDDEN', message: access.message, name };
    }
    const wait = tunnelRate.take(name);
    if (wait > 0) {
      return {
        kind: 'error',
        code: 'E_RATE_LIMITED',
        message: `tunnel "${name}" gets too many requests; retry in ${wait} s`,
        name,
        headers: { 'retry-after': String(wait) },
      };
    }
    // A queued tunnel persists every webhook first, online or not (upgrades only go live).
    if (reservation?.queue && queues.enabled && !upgrade)
      return { kind: 'queued', route: routed.route, access: policy, heldHere: session !== undefined };
    if (session) return { kind: 'tunnel', route: routed.route, session };
    return { kind: 'error', code: 'E_TUNNEL_OFFLINE', message: `tunnel "${name}" is offline`, name };
  };
}
