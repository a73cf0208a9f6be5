import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { clusterHop, hopOrAnswer, ROUTING_UNREACHABLE } from './cluster-hop.js';
import type { ClusterNode } from './cluster-node.js';
import type { PublicDestination, TunnelFinder } from './find-tunnel.js';
import type { ResolvedRelayOptions } from './options.js';
import { writeSocketError } from './public-error.js';
import { refuseBadUpgrade } from './server-limits.js';
import { dropConsumedCredentials } from './tunnel-access.js';
import { forwardUpgrade } from './upgrade-exchange.js';

export interface PublicUpgradeDeps {
  options: ResolvedRelayOptions;
  findTunnel: TunnelFinder;
  cluster: ClusterNode | null;
}

/** Where an upgrade goes that is for the relay's own routes (the tunnel endpoint's WebSocket). */
export type ServiceUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Every upgrade request the relay's port receives (a tunnel's WebSocket, a dev
 * server's HMR socket): handed raw to the tunnel's session, to the cluster node
 * holding the tunnel, or refused with a code on the socket. Upgrades never wait
 * in a queue: an offline tunnel refuses them.
 */
export function createPublicUpgradeHandler({ options, findTunnel, cluster }: PublicUpgradeDeps) {
  const limits = { maxBodyBytes: options.maxBodyBytes, streamWindow: options.streamWindow };
  const answerHere = (found: PublicDestination, req: IncomingMessage, socket: Duplex, head: Buffer) => {
    switch (found.kind) {
      case 'error':
        return writeSocketError(socket, found.code, found.message);
      case 'queued':
        return writeSocketError(socket, 'E_TUNNEL_OFFLINE', 'tunnel is offline');
      case 'tunnel':
        dropConsumedCredentials(req, found.session.access);
        return forwardUpgrade(found.session, req, socket, head, found.route, limits);
    }
  };
  return (req: IncomingMessage, socket: Duplex, head: Buffer, toService: ServiceUpgrade): void => {
    if (refuseBadUpgrade(req, socket)) return;
    const internal = cluster?.isInternal(req) ?? false;
    const found = findTunnel(req, true, internal);
    if (found.kind === 'service') return toService(req, socket, head);
    socket.on('error', () => {});
    const hop = cluster ? clusterHop(found, internal) : null;
    if (!cluster || !hop) return answerHere(found, req, socket, head);
    hopOrAnswer(
      hop,
      cluster.proxyUpgradeIfElsewhere(hop.name, req, socket, head),
      () => answerHere(found, req, socket, head),
      () => writeSocketError(socket, 'E_TUNNEL_OFFLINE', ROUTING_UNREACHABLE),
    );
  };
}
