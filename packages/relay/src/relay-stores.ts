import type { ClusterNode } from './cluster-node.js';
import type { FailureStore } from './failure-store.js';
import type { ResolvedRelayOptions } from './options.js';
import type { SharedQueues } from './queue/queue-registry.js';
import { createMemoryRegistry, type TunnelRegistry } from './registry.js';
import { type DataDirLock, lockDataDir } from './store/data-dir-lock.js';
import { createFileReservations, createMemoryReservations, type ReservationStore } from './store/reservations.js';
import { createTokenVerifier, type TokenVerifier } from './store/token-store.js';

/** What a relay keeps beyond one request, and where. */
export interface RelayStores {
  registry: TunnelRegistry;
  reservations: ReservationStore;
  /** Token check when auth is required; null on an open relay. */
  verifier: TokenVerifier | null;
  /** Open relay with a data dir: a token, when one is given, is checked and makes its holder the owner. */
  optionalVerifier: TokenVerifier | null;
  /** Shared failure budgets (a cluster); this process's memory when absent. */
  failureStore: FailureStore | undefined;
  /** A cluster's shared queues; absent: the embedded queue in `queueDir`, if any. */
  sharedQueues: SharedQueues | undefined;
  /** Where the embedded queue database lives; null: none here (no data dir, or a cluster). */
  queueDir: string | null;
  /**
   * Make them usable (the relay's `listen`): join the cluster, or lock the data
   * dir and read its files. A damaged store throws (StoreStartError) and leaves
   * nothing locked.
   */
  open(): Promise<void>;
  /** Let go of the data dir (or the cluster), after the queues closed. */
  close(): Promise<void>;
}

/**
 * The one place that picks the stores: a cluster's shared ones, or this
 * process's: files in the data dir (one relay per data dir: it is locked), or
 * memory without one.
 */
export function relayStores(options: ResolvedRelayOptions, cluster: ClusterNode | null): RelayStores {
  const required = options.auth === 'required';
  if (cluster) {
    return {
      registry: cluster.registry,
      reservations: cluster.reservations,
      verifier: required ? cluster.verifier : null,
      optionalVerifier: null,
      failureStore: cluster.failureStore,
      sharedQueues: cluster.queues,
      queueDir: null,
      open: () => cluster.start(),
      close: () => cluster.close(),
    };
  }
  const { dataDir, tokens, logger } = options;
  const fileVerifier = () => createTokenVerifier({ dataDir, tokens, logger });
  const verifier = required ? fileVerifier() : null;
  // An open relay with a data dir still honours a token that is given: a name it
  // owns, and an offline queue, then work there too (no token: an open tunnel).
  const optionalVerifier = !required && dataDir ? fileVerifier() : null;
  const files = dataDir ? createFileReservations(dataDir) : null;
  let lock: DataDirLock | null = null;
  return {
    registry: createMemoryRegistry(),
    reservations: files ?? createMemoryReservations(),
    verifier,
    optionalVerifier,
    failureStore: undefined,
    sharedQueues: undefined,
    queueDir: dataDir ?? null,
    async open() {
      // One relay per data dir (the lock also creates it, 0700), and a damaged store
      // stops the start, never an empty start.
      if (dataDir) lock = lockDataDir(dataDir);
      try {
        verifier?.load?.();
        optionalVerifier?.load?.();
        await files?.load();
      } catch (error) {
        lock?.release();
        lock = null;
        throw error;
      }
    },
    async close() {
      lock?.release();
      lock = null;
    },
  };
}
