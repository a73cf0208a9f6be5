import type { RelayLogger } from '../options.js';
import { importLegacyQueueLogs } from '../store/legacy-queue-logs.js';
import { QueueDatabase } from '../store/queue-database.js';
import type { QueueMode, ReservationStore } from '../store/reservations.js';
import type { TunnelSession } from '../tunnel-session.js';
import { QueueDispatcher } from './queue-dispatcher.js';
import type { QueueLimits } from './queue-limits.js';
import type { QueueStore } from './queue-store.js';
import { SqliteQueue } from './sqlite-queue.js';

/** Cluster queues: opens a tunnel's shared queue (a Redis stream). */
export interface SharedQueues {
  open(name: string, limits: QueueLimits): Promise<QueueStore>;
  /** Tell the other nodes that `name`'s queue changed (so its holder catches up). */
  changed(name: string): Promise<void>;
}

export interface TunnelQueue {
  queue: QueueStore;
  dispatcher: QueueDispatcher;
}

export interface QueueRegistryDeps {
  /** `<dataDir>/queue.db`; null: no embedded queue (no data dir, or a cluster). */
  dataDir: string | null;
  /** Cluster mode: queues are Redis streams shared by the nodes. */
  shared?: SharedQueues | undefined;
  limits: QueueLimits;
  reservations: ReservationStore;
  session(name: string): TunnelSession | undefined;
  window: number;
  logger: RelayLogger;
}

/** Open queues by tunnel name (rows of one SQLite database, or Redis streams), kept for the relay's life. */
export class QueueRegistry {
  readonly #deps: QueueRegistryDeps;
  readonly #open = new Map<string, Promise<TunnelQueue>>();
  readonly #ready = new Map<string, TunnelQueue>();
  #database: QueueDatabase | null = null;

  constructor(deps: QueueRegistryDeps) {
    this.#deps = deps;
  }

  get enabled(): boolean {
    return this.#deps.dataDir !== null || this.#deps.shared !== undefined;
  }

  /**
   * Another node stored a webhook for `name`, or this node just became its holder:
   * catch up (claiming the entries when the tunnel is held here) and deliver.
   */
  async refresh(name: string): Promise<void> {
    const opening = this.#open.get(name);
    if (!opening) return;
    const { queue, dispatcher } = await opening;
    const session = this.#deps.session(name);
    await queue.sync({ claim: session !== undefined && !session.closed });
    dispatcher.kick();
  }

  /**
   * Open the queue database (a damaged one is a StoreStartError: the relay does
   * not start) and every queue that has webhooks, so a backlog from before a
   * restart is delivered.
   */
  async openExisting(): Promise<void> {
    const { dataDir, logger } = this.#deps;
    if (!dataDir) return;
    this.#database = QueueDatabase.open(dataDir, logger);
    await importLegacyQueueLogs(dataDir, this.#database, logger);
    for (const name of this.#database.tunnels()) await this.get(name);
  }

  /** Whether the embedded store can write (readyz); null without one. */
  async storeHealth(): Promise<{ ok: boolean; problem: string | null } | null> {
    return (await this.#database?.writable()) ?? null;
  }

  /** Time the event loop spent in queue commits (bench, tests). */
  commitStats() {
    return this.#database?.commitStats ?? null;
  }

  get(name: string): Promise<TunnelQueue> {
    let opening = this.#open.get(name);
    if (!opening) {
      opening = this.#openQueue(name);
      this.#open.set(name, opening);
      opening.catch(() => this.#open.delete(name));
    }
    return opening;
  }

  /** The queue of `name` if it is open already (no I/O). */
  peek(name: string): Promise<TunnelQueue> | undefined {
    return this.#open.get(name);
  }

  /** Catch up every open queue (a backstop for change notices lost while Redis was away). */
  async refreshAll(): Promise<void> {
    for (const name of this.#open.keys()) await this.refresh(name).catch(() => {});
  }

  /** After a change through the API: tell the other nodes (cluster), then deliver if held here. */
  async changed(name: string): Promise<void> {
    await this.#deps.shared?.changed(name);
    await this.refresh(name);
  }

  /** Webhooks waiting or failed in the queues this node has open (for metrics). */
  depth(): { pending: number; failed: number } {
    let pending = 0;
    let failed = 0;
    for (const { queue } of this.#ready.values()) {
      for (const entry of queue.entries()) {
        if (entry.state === 'failed') failed += 1;
        else pending += 1;
      }
    }
    return { pending, failed };
  }

  /** Whether `name` has webhooks waiting or failed (its reservation must not expire). */
  hasBacklog(name: string): boolean {
    return (this.#ready.get(name)?.queue.size ?? 0) > 0;
  }

  /** The client of `name` came online (or its mode changed): start delivering. */
  kick(name: string): void {
    void this.#open.get(name)?.then(({ dispatcher }) => dispatcher.kick());
  }

  /** The client of `name` (re)connected: what waited out a backoff while it was away goes now. */
  async online(name: string): Promise<void> {
    const opening = this.#open.get(name);
    if (!opening) return;
    const { dispatcher } = await opening;
    dispatcher.online();
    await this.refresh(name);
  }

  async close(): Promise<void> {
    for (const opening of this.#open.values()) {
      const tunnel = await opening.catch(() => null);
      if (!tunnel) continue;
      tunnel.dispatcher.close();
      await tunnel.queue.close();
    }
    await this.#database?.close();
    this.#database = null;
  }

  async #openQueue(name: string): Promise<TunnelQueue> {
    const { dataDir, limits, logger, shared } = this.#deps;
    if (shared) return this.#start(name, await shared.open(name, limits));
    if (!dataDir || !this.#database) throw new Error('queues need a data dir, opened by openExisting()');
    return this.#start(name, new SqliteQueue(name, this.#database, limits, logger));
  }

  #start(name: string, queue: QueueStore): TunnelQueue {
    const { logger } = this.#deps;
    const mode = (): QueueMode => this.#deps.reservations.get(name)?.queue ?? 'serial';
    const dispatcher = new QueueDispatcher({
      queue,
      mode,
      session: () => this.#deps.session(name),
      window: this.#deps.window,
      logger,
    });
    if (queue.size > 0) logger.info({ tunnel: name, entries: queue.size }, 'queue opened with a backlog');
    dispatcher.kick();
    const tunnel = { queue, dispatcher };
    this.#ready.set(name, tunnel);
    return tunnel;
  }
}
