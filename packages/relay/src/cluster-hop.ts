import type { Destination } from './find-tunnel.js';

/** Ask the other nodes for `name`; `unreachable`: what to do when the routing table cannot be read. */
export interface ClusterHop {
  name: string;
  unreachable: 'answer here' | 'refuse';
}

/**
 * Whether a request (plain or upgrade) may belong to another node of the
 * cluster, so that the routing table is asked before this node answers. The
 * one place that decides it:
 * - a request another node forwarded (`internal`) is answered here: one hop at most;
 * - a tunnel this node does not know, or holds no live session for, may be online
 *   on another node; if the routing table cannot be read the caller hears so;
 * - a queued tunnel's webhook goes to the node holding the tunnel, which delivers
 *   in order and live when it can; when no other node holds it (or Redis cannot
 *   say), it is stored here.
 */
export function clusterHop(found: Destination, internal: boolean): ClusterHop | null {
  if (internal) return null;
  switch (found.kind) {
    case 'error':
      return found.name && (found.code === 'E_TUNNEL_NOT_FOUND' || found.code === 'E_TUNNEL_OFFLINE')
        ? { name: found.name, unreachable: 'refuse' }
        : null;
    case 'queued':
      return found.heldHere ? null : { name: found.route.name, unreachable: 'answer here' };
    case 'tunnel':
    case 'service':
      return null;
  }
}

/**
 * Finish a hop: `proxied` resolves true when another node took the request;
 * otherwise this node answers (`answerHere`), and when the routing table could
 * not be read, it answers or refuses as the hop says.
 */
export function hopOrAnswer(hop: ClusterHop, proxied: Promise<boolean>, answerHere: () => void, refuse: () => void) {
  proxied
    .then((done) => {
      if (!done) answerHere();
    })
    .catch(() => (hop.unreachable === 'answer here' ? answerHere() : refuse()));
}

/** What a caller hears when the cluster's routing table cannot be read. */
export const ROUTING_UNREACHABLE = 'the cluster routing table is unreachable';
