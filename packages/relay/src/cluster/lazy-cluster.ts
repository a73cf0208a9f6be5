import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FailureStore } from '../failure-store.js';
import type { RelayLogger } from '../options.js';
import type { SharedQueues } from '../queue/queue-registry.js';
import type { TunnelRegistry } from '../registry.js';
import type { SessionTable } from '../session-table.js';
import type { TokenVerifier } from '../store/token-store.js';
import type { Cluster } from './cluster.js';
import type { ResolvedClusterOptions } from './cluster-options.js';

/**
 * The relay's handle on its cluster, usable from `createRelay` on (which is
 * synchronous) while the cluster itself, and ioredis with it, is loaded only
 * when the relay starts (`start`, from `listen`). A relay without Redis (the
 * CLI's embedded one) so never loads ioredis: ~80 ms of every `hookline http`.
 * Before `start` nothing here is reachable from outside: the relay does not
 * listen yet.
 */
export class LazyCluster {
  readonly options: ResolvedClusterOptions;
  #cluster: Cluster | null = null;
  readonly #open: () => Promise<Cluster>;
  /** Set by the relay: a node stored a webhook for `name`. */
  onQueued: (name: string) => void = () => {};

  constructor(options: ResolvedClusterOptions, sessions: SessionTable, tokens: readonly string[], logger: RelayLogger) {
    this.options = options;
    this.#open = async () => new (await import('./cluster.js')).Cluster(options, sessions, tokens, logger);
  }

  /** The cluster once joined (the tunnel handshake needs it only then), else null. */
  get joined(): Cluster | null {
    return this.#cluster;
  }

  #get(): Cluster {
    if (!this.#cluster) throw new Error('the relay has not joined its cluster yet (listen first)');
    return this.#cluster;
  }

  /** Load the cluster code, connect to Redis, load shared state. */
  async start(): Promise<void> {
    const cluster = await this.#open();
    cluster.onQueued = (name) => this.onQueued(name);
    this.#cluster = cluster;
    await cluster.start();
  }

  readonly registry: TunnelRegistry = {
    claim: (name, holder, takeover) => this.#get().registry.claim(name, holder, takeover),
    release: (name, sessionId) => this.#get().registry.release(name, sessionId),
    holderOf: (name) => this.#get().registry.holderOf(name),
  };

  readonly verifier: TokenVerifier = { verify: (token) => this.#cluster?.verifier.verify(token) ?? null };

  readonly failureStore: FailureStore = {
    wait: (key, perMinute, now) => this.#get().failureStore.wait(key, perMinute, now),
    spend: (key, perMinute, now) => this.#get().failureStore.spend(key, perMinute, now),
    markKnown: (key, now, forMs) => this.#get().failureStore.markKnown(key, now, forMs),
    isKnown: (key, now) => this.#get().failureStore.isKnown(key, now),
  };

  readonly sharedQueues: SharedQueues = {
    open: (name, limits) => this.#get().sharedQueues.open(name, limits),
    changed: (name) => this.#get().sharedQueues.changed(name),
  };

  /** The relay's reservations in cluster mode: Redis-backed, loaded by joining. */
  readonly reservations = {
    get: (name: string) => this.#cluster?.reservations.get(name),
    reserve: (...args: Parameters<Cluster['reservations']['reserve']>) => this.#get().reservations.reserve(...args),
    release: (name: string, owner: string) => this.#get().reservations.release(name, owner),
    list: (owner?: string) => this.#cluster?.reservations.list(owner) ?? [],
    expire: (before: number, keep: (name: string) => boolean) => this.#get().reservations.expire(before, keep),
    load: () => this.start(),
  };

  isInternal(req: IncomingMessage): boolean {
    return this.#cluster?.isInternal(req) ?? false;
  }

  proxyIfElsewhere(name: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    return this.#get().proxyIfElsewhere(name, req, res);
  }

  proxyUpgradeIfElsewhere(name: string, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean> {
    return this.#get().proxyUpgradeIfElsewhere(name, req, socket, head);
  }

  async ready(): Promise<{ ok: boolean; checks: Record<string, string> }> {
    return this.#cluster ? this.#cluster.ready() : { ok: false, checks: { store: 'not joined to the cluster yet' } };
  }

  async close(): Promise<void> {
    await this.#cluster?.close();
  }
}
