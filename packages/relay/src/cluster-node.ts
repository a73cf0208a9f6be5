import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '@hookline/protocol';
import type { FailureStore } from './failure-store.js';
import type { RelayLogger } from './options.js';
import type { SharedQueues } from './queue/queue-registry.js';
import type { TunnelHolder, TunnelRegistry } from './registry.js';
import type { ReservationStore } from './store/reservations.js';
import type { TokenVerifier } from './store/token-store.js';

/** What a cluster sees of one of this node's tunnel sessions (a `TunnelSession`). */
export interface ClusterSession {
  readonly id: string;
  readonly name: string;
  readonly clientId: string;
  readonly closed: boolean;
  /** The fencing epoch of this node's route for the tunnel (0 outside a cluster). */
  epoch: number;
  /** The session answers for its tunnel only until then (renewed with the lease). */
  leaseValidUntil: number;
  close(code: ErrorCode, message: string, wsCode: number): void;
}

/** What the relay hands its cluster when it creates it. */
export interface ClusterContext {
  /** The sessions this node holds, by tunnel name. */
  sessions: {
    get(name: string): ClusterSession | undefined;
    values(): Iterable<ClusterSession>;
  };
  /** Fixed tokens from the relay's options, accepted beside the cluster's own. */
  tokens: readonly string[];
  logger: RelayLogger;
  /** Another node stored a webhook for `name`, or this node may have missed notices: catch up. */
  queues: { refresh(name: string): void; refreshAll(): void };
}

/** The answer a cluster gives for the readiness probe. */
export interface ClusterReadiness {
  ok: boolean;
  checks: Record<string, string>;
}

/**
 * One node's membership of a relay cluster, as the relay uses it: shared stores
 * in place of the embedded ones, the lease of the routes held here, and
 * node-to-node routing for tunnels held elsewhere. `@hookline/cluster` implements
 * it over Redis; the relay depends on this interface only, never on an
 * implementation (nor on ioredis), so a relay without a cluster loads none.
 */
export interface ClusterNode {
  readonly registry: TunnelRegistry;
  readonly reservations: ReservationStore;
  readonly verifier: TokenVerifier;
  /** Failed-token-check budgets, shared so that N nodes do not allow N times the guesses. */
  readonly failureStore: FailureStore;
  /** Offline queues shared by the nodes. */
  readonly queues: SharedQueues;
  /** Join: connect, load the shared names and tokens, hear the other nodes (the relay's `listen`). */
  start(): Promise<void>;
  /**
   * A session here just claimed its route: hold its lease (`epoch` from the
   * claim), and fence the session it replaced on another node. `takenOver` is
   * what that replaced client is told when another client took the name.
   */
  claimed(
    session: ClusterSession,
    claim: { epoch?: number | undefined; replaced: TunnelHolder | null },
    takenOver: string | null,
  ): Promise<void>;
  /** A request from another node of this cluster? (Also strips the proof from it.) */
  isInternal(req: IncomingMessage): boolean;
  /** Pipe the request to the node holding `name` if another node does; false when none does. */
  proxyIfElsewhere(name: string, req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** The same for an upgrade: hand the raw connection to the holding node. */
  proxyUpgradeIfElsewhere(name: string, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean>;
  ready(): Promise<ClusterReadiness>;
  close(): Promise<void>;
}

/**
 * How a relay becomes a cluster node: `createRelay({ cluster })` calls it once,
 * synchronously, with what the cluster needs of the relay. Connections wait for
 * `start`, which `listen` calls.
 *
 * @example
 * const { redisCluster } = await import('@hookline/cluster');
 * createRelay({ cluster: redisCluster({ redisUrl, nodeUrl, secret }) });
 */
export type ClusterFactory = (context: ClusterContext) => ClusterNode;
