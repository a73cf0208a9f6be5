import type { IncomingMessage, ServerResponse } from 'node:http';
import type { createRelayAnswerer } from './answer-at-relay.js';
import { clusterHop, hopOrAnswer, ROUTING_UNREACHABLE } from './cluster-hop.js';
import type { ClusterNode } from './cluster-node.js';
import type { PublicDestination, TunnelFinder } from './find-tunnel.js';
import { type ExchangeLimits, forwardHttpExchange } from './http-exchange.js';
import type { InFlight } from './in-flight.js';
import type { ResolvedRelayOptions } from './options.js';
import { sendPublicError } from './public-error.js';
import type { QueueRegistry } from './queue/queue-registry.js';
import { acceptQueued } from './queue/queued-ingress.js';
import { observeExchange } from './relay-health.js';
import { cutOnHangUp, refuseBadRequest } from './server-limits.js';
import { dropConsumedCredentials } from './tunnel-access.js';

export interface PublicRequestDeps {
  options: ResolvedRelayOptions;
  findTunnel: TunnelFinder;
  queues: QueueRegistry;
  cluster: ClusterNode | null;
  inFlight: InFlight;
  /** Handshakes and offline responses tunnels declared, answered before delivery. */
  answerAtRelay: ReturnType<typeof createRelayAnswerer>;
}

/** Where a request goes that is not for the relay's own routes (hono). */
export type ServiceRequest = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * Every plain (non-upgrade) request the relay's port receives, on the raw node
 * objects: building a Web Request/Response per exchange cost the prototype 2-3x
 * relay CPU, so tunnel traffic is dispatched here, before hono, which gets only
 * the relay's own routes. A tunnel's request is forwarded live, stored in its
 * queue, handed to the cluster node that holds it, or refused with a code.
 */
export function createPublicRequestHandler(deps: PublicRequestDeps) {
  const { options, findTunnel, cluster, inFlight, answerAtRelay } = deps;
  const { exchange } = options.observer;
  const limits = { maxBodyBytes: options.maxBodyBytes, streamWindow: options.streamWindow };
  const answerHere = (found: PublicDestination, req: IncomingMessage, res: ServerResponse) =>
    answer(found, req, res, deps, limits);
  return (req: IncomingMessage, res: ServerResponse, toService: ServiceRequest): void => {
    if (refuseBadRequest(req, res)) return;
    const internal = cluster?.isInternal(req) ?? false;
    const found = findTunnel(req, false, internal);
    if (found.kind === 'service') return void toService(req, res);
    // Counted so that a graceful close lets it finish (proxied ones included).
    inFlight.track(res);
    cutOnHangUp(req, res);
    if (exchange) observeExchange(req, res, found, exchange);
    // Handshakes and the offline response a tunnel declared are answered first; the rest is delivered.
    answerAtRelay(req, res, found, () => {
      const hop = cluster ? clusterHop(found, internal) : null;
      if (!cluster || !hop) return answerHere(found, req, res);
      hopOrAnswer(
        hop,
        cluster.proxyIfElsewhere(hop.name, req, res),
        () => answerHere(found, req, res),
        () => sendPublicError(res, 'E_TUNNEL_OFFLINE', ROUTING_UNREACHABLE),
      );
    });
  };
}

/** This node answers: live through the tunnel's session, stored in its queue, or refused. */
function answer(
  found: PublicDestination,
  req: IncomingMessage,
  res: ServerResponse,
  { options, queues }: PublicRequestDeps,
  limits: ExchangeLimits,
): void {
  switch (found.kind) {
    case 'error':
      return sendPublicError(res, found.code, found.message, found.headers);
    case 'queued': {
      const { name } = found.route;
      dropConsumedCredentials(req, found.access);
      return void queues
        .get(name)
        .then((tunnel) => acceptQueued(tunnel, req, res, found.route, options.maxBodyBytes))
        .catch((error: unknown) => {
          options.logger.error({ tunnel: name, err: String(error) }, 'queue unavailable');
          sendPublicError(res, 'E_INTERNAL', 'the relay could not store the webhook; nothing was stored');
        });
    }
    case 'tunnel':
      dropConsumedCredentials(req, found.session.access);
      return forwardHttpExchange(found.session, req, res, found.route, limits);
  }
}
