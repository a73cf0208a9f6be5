import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type ClusterContext,
  type ClusterNode,
  type ClusterReadiness,
  type ClusterSession,
  type FailureStore,
  removeRawHeaders,
  type SharedQueues,
  type TunnelHolder,
  takenOverMessage,
} from '@hookline/relay';
import type { Redis } from 'ioredis';
import type { ResolvedClusterOptions } from './cluster-options.js';
import { CLUSTER_FROM_HEADER, CLUSTER_SECRET_HEADER, proxyToNode, proxyUpgradeToNode } from './node-proxy.js';
import { createRedis } from './redis-clients.js';
import { RedisDeliveryQueue } from './redis-delivery-queue.js';
import { createRedisFailureStore } from './redis-failure-store.js';
import { RedisRegistry } from './redis-registry.js';
import { RedisReservations } from './redis-reservations.js';
import { RedisTokenVerifier } from './redis-tokens.js';

type ClusterEvent =
  | { type: 'names'; name: string }
  | { type: 'tokens' }
  | { type: 'moved'; name: string; sessionId: string; takenOver?: string }
  | { type: 'queued'; name: string };

/**
 * This node's membership of a relay cluster: shared names, tokens and routes in
 * Redis, leases renewed for the tunnels held here, fencing when a route moves,
 * and node-to-node proxying for tunnels held elsewhere. Its Redis connections
 * open at `start` (the relay's `listen`), not when the relay is created.
 */
export class RedisCluster implements ClusterNode {
  readonly options: ResolvedClusterOptions;
  readonly registry: RedisRegistry;
  readonly reservations: RedisReservations;
  readonly verifier: RedisTokenVerifier;
  readonly failureStore: FailureStore;
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  readonly #relay: ClusterContext;
  #timers: NodeJS.Timeout[] = [];

  /** Offline queues as Redis streams shared by the nodes (see RedisDeliveryQueue). */
  readonly queues: SharedQueues = {
    open: (name, limits) =>
      RedisDeliveryQueue.open({
        redis: this.#redis,
        prefix: this.options.keyPrefix,
        name,
        limits,
        consumer: this.options.nodeUrl,
        announce: () => this.#publish({ type: 'queued', name }),
      }),
    changed: (name) => this.#publish({ type: 'queued', name }),
  };

  constructor(options: ResolvedClusterOptions, relay: ClusterContext) {
    this.options = options;
    this.#relay = relay;
    this.#redis = createRedis(options.redisUrl, relay.logger, 'commands');
    this.#subscriber = createRedis(options.redisUrl, relay.logger, 'events');
    const prefix = options.keyPrefix;
    this.registry = new RedisRegistry(this.#redis, { prefix, node: options.nodeUrl, leaseMs: options.leaseMs });
    this.reservations = new RedisReservations(this.#redis, prefix, (name) => this.#publish({ type: 'names', name }));
    this.verifier = new RedisTokenVerifier(this.#redis, prefix, relay.tokens);
    this.failureStore = createRedisFailureStore(this.#redis, prefix);
  }

  /** Connect, load shared state and start listening to the other nodes. */
  async start(): Promise<void> {
    await Promise.all([this.reservations.load(), this.verifier.refresh()]);
    this.#subscriber.on('message', (_channel: string, text: string) => void this.#onEvent(text));
    await this.#subscriber.subscribe(`${this.options.keyPrefix}events`);
    // After a Redis restart the subscription is renewed by ioredis, but notices sent
    // meanwhile are lost: every node also catches up every few seconds.
    const reload = setInterval(() => {
      void Promise.all([this.reservations.load(), this.verifier.refresh()]).catch(() => {});
      this.#relay.queues.refreshAll();
    }, 5_000);
    const renew = setInterval(() => void this.#renewLeases(), Math.max(50, Math.floor(this.options.leaseMs / 3)));
    reload.unref();
    renew.unref();
    this.#timers = [reload, renew];
  }

  async claimed(
    session: ClusterSession,
    claim: { epoch?: number | undefined; replaced: TunnelHolder | null },
    takenOver: string | null,
  ): Promise<void> {
    if (claim.epoch !== undefined) {
      session.epoch = claim.epoch;
      session.leaseValidUntil = Date.now() + this.options.leaseMs;
    }
    const { replaced } = claim;
    if (replaced && replaced.sessionId !== session.id) {
      await this.#publish({
        type: 'moved',
        name: session.name,
        sessionId: replaced.sessionId,
        ...(takenOver ? { takenOver } : {}),
      });
    }
  }

  /** A request from another node of this cluster (constant-time secret check)? */
  isInternal(req: IncomingMessage): boolean {
    const given = req.headers[CLUSTER_SECRET_HEADER];
    if (typeof given !== 'string') return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.options.secret);
    const ok = a.length === b.length && timingSafeEqual(a, b);
    if (ok) removeRawHeaders(req, [CLUSTER_SECRET_HEADER, CLUSTER_FROM_HEADER]);
    return ok;
  }

  /** Proxy to the node holding `name`, if another node does; false when none does. */
  async proxyIfElsewhere(name: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const route = await this.registry.holderOf(name);
    if (!route || route.node === this.options.nodeUrl) return false;
    proxyToNode(route.node, this.options.nodeUrl, this.options.secret, req, res);
    return true;
  }

  /** Same for an upgrade request: hand the raw connection to the holding node. */
  async proxyUpgradeIfElsewhere(name: string, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean> {
    const route = await this.registry.holderOf(name);
    if (!route || route.node === this.options.nodeUrl) return false;
    proxyUpgradeToNode(route.node, this.options.nodeUrl, this.options.secret, req, socket, head);
    return true;
  }

  async ready(): Promise<ClusterReadiness> {
    try {
      await this.#redis.ping();
      return { ok: true, checks: { store: 'redis ok' } };
    } catch (error) {
      return { ok: false, checks: { store: `redis unreachable: ${(error as Error).message}` } };
    }
  }

  async close(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#subscriber.disconnect();
    // Never started (the relay never listened): quitting would connect first.
    if (this.#redis.status === 'wait') return this.#redis.disconnect();
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }

  async #publish(event: ClusterEvent): Promise<void> {
    await this.#redis.publish(`${this.options.keyPrefix}events`, JSON.stringify(event));
  }

  async #onEvent(text: string): Promise<void> {
    let event: ClusterEvent;
    try {
      event = JSON.parse(text) as ClusterEvent;
    } catch {
      return;
    }
    switch (event.type) {
      case 'names':
        return this.reservations.refresh(event.name).catch(() => {});
      case 'tokens':
        return this.verifier.refresh().catch(() => {});
      case 'queued':
        return this.#relay.queues.refresh(event.name);
      case 'moved': {
        const session = this.#relay.sessions.get(event.name);
        if (session?.id !== event.sessionId) return;
        // Taken over by another client: this one must stop, not reconnect and take it back.
        if (event.takenOver) session.close('E_NAME_IN_USE', event.takenOver, 4409);
        else this.#fence(session, 'the tunnel moved to another relay node');
        return;
      }
    }
  }

  /** Renew every local lease; a session whose route moved (or lapsed and was taken) is closed. */
  async #renewLeases(): Promise<void> {
    for (const session of [...this.#relay.sessions.values()]) {
      if (session.closed || session.epoch === 0) continue;
      const started = Date.now();
      try {
        if (await this.registry.renew(session.name, session.id, session.epoch)) {
          session.leaseValidUntil = started + this.options.leaseMs;
        } else {
          await this.#lostLease(session);
        }
      } catch (error) {
        // Redis unreachable: keep serving until the lease we hold runs out, then stop answering.
        this.#relay.logger.warn({ tunnel: session.name, err: (error as Error).message }, 'lease renewal failed');
      }
    }
  }

  /**
   * The lease renewal found the route taken. When another client took it
   * (`--takeover` on another node), say so, as the "moved" message would have:
   * that message and this renewal race, and the client must not hear a plain
   * "reconnect" (which it would follow, only to be refused as a name in use).
   */
  async #lostLease(session: ClusterSession): Promise<void> {
    const holder = await this.registry.holderOf(session.name).catch(() => undefined);
    if (session.closed) return;
    if (holder && holder.sessionId !== session.id && holder.clientId !== session.clientId) {
      session.close('E_NAME_IN_USE', takenOverMessage(session.name, holder.remoteAddress ?? ''), 4409);
      return;
    }
    this.#fence(session, 'this relay node lost the tunnel lease');
  }

  #fence(session: ClusterSession, reason: string): void {
    this.#relay.logger.warn({ tunnel: session.name, session: session.id }, reason);
    session.close('E_TUNNEL_CLOSED', `${reason}; reconnect`, 4000);
  }
}
