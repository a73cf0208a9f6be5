import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InProcessConnection, InProcessConnectRequest } from '@hookline/protocol';
import { createRelayAnswerer } from './answer-at-relay.js';
import { DeclaredAnswersTable } from './declared-answers.js';
import { createTunnelFinder } from './find-tunnel.js';
import { closeGracefully } from './graceful-close.js';
import { InFlight } from './in-flight.js';
import { type RelayOptions, resolveRelayOptions } from './options.js';
import { createPublicRequestHandler } from './public-request.js';
import { createPublicUpgradeHandler } from './public-upgrade.js';
import { QueueRegistry } from './queue/queue-registry.js';
import { readiness } from './relay-health.js';
import { createRelayServer, listenOn } from './relay-server.js';
import { relayStores } from './relay-stores.js';
import { startUpkeep } from './relay-upkeep.js';
import { RelayUrls } from './relay-urls.js';
import { createServiceApp } from './service-app.js';
import { SessionTable } from './session-table.js';
import type { CommitStats } from './store/queue-writer.js';
import { tunnelConnect } from './tunnel-connect.js';

export interface Relay {
  /** The node HTTP server (not listening until `listen`). */
  readonly server: Server;
  /** Start listening; resolves with the bound address. */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** Base URL tunnels are built from; available after `listen`. */
  readonly url: string;
  /** Public URLs of tunnel `name`, preferred first. */
  urlsFor(name: string): string[];
  /**
   * Connect a tunnel client living in this process (`hookline http`'s embedded
   * relay): the same checks and protocol as `/_hookline/connect`, over an
   * in-process link instead of a loopback WebSocket. Pass the relay itself as the
   * client's `relay` option.
   */
  connectInProcess(request: InProcessConnectRequest): Promise<InProcessConnection>;
  /** Number of tunnel sessions connected to this relay. */
  readonly tunnelCount: number;
  /** Webhooks waiting or failed in the offline queues this node has open (metrics). */
  queueDepth(): { pending: number; failed: number };
  /** Commits of the embedded queue database and the writer-thread time they took; null without one. */
  queueCommitStats(): CommitStats | null;
  /** Public requests being answered right now (metrics, graceful stop). */
  readonly inFlight: number;
  /** Whether the store is usable (what `/_hookline/readyz` answers). */
  ready(): Promise<{ ok: boolean; checks: Record<string, string> }>;
  /**
   * Stop: no new connections; exchanges in flight may finish until `graceMs` has
   * passed; then every client is told to reconnect (elsewhere) and all is closed.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Create a relay: public ingress (host and path routing) streaming through
 * tunnel sessions, the WebSocket tunnel endpoint and the service routes.
 * What happens to each connection lives in its own file: a public request
 * (`public-request.ts`), a public upgrade (`public-upgrade.ts`), a tunnel
 * client connecting (`tunnel-connect.ts`), the relay's own routes (`service-app.ts`).
 *
 * @example
 * const relay = createRelay({ domain: 'localhost' });
 * await relay.listen(0, '127.0.0.1');
 * console.log(relay.url);
 */
export function createRelay(relayOptions: RelayOptions = {}): Relay {
  const options = resolveRelayOptions(relayOptions);
  const sessions = new SessionTable();
  const cluster =
    options.cluster?.({
      sessions,
      tokens: options.tokens,
      logger: options.logger,
      queues: {
        refresh: (name) => void queues.refresh(name).catch(() => {}),
        refreshAll: () => void queues.refreshAll(),
      },
    }) ?? null;
  const stores = relayStores(options, cluster);
  const { reservations } = stores;
  const queues = new QueueRegistry({
    dataDir: stores.queueDir,
    shared: stores.sharedQueues,
    limits: options.queue,
    reservations,
    session: (name) => sessions.get(name),
    window: options.streamWindow,
    logger: options.logger,
  });
  const urls = new RelayUrls(options);
  // What tunnels declared for the relay to answer itself: handshakes, an offline response.
  const answers = new DeclaredAnswersTable();
  const connect = tunnelConnect({
    options,
    sessions,
    stores,
    queues,
    cluster,
    answers,
    urlsFor: (name) => urls.urlsFor(name),
  });
  const ready = () => (cluster ? cluster.ready() : readiness(options.dataDir, () => queues.storeHealth()));
  const app = createServiceApp({
    ...connect.admission,
    verifier: stores.verifier,
    optionalVerifier: stores.optionalVerifier,
    failureStore: stores.failureStore,
    queues,
    stats: () => ({ tunnels: sessions.size }),
    ready,
    onTunnelSocket: connect.accept,
  });
  const findTunnel = createTunnelFinder({ options, sessions, reservations, queues });
  const inFlight = new InFlight();
  const { server, wss } = createRelayServer({
    options,
    fetch: app.fetch,
    onRequest: createPublicRequestHandler({
      options,
      findTunnel,
      queues,
      cluster,
      inFlight,
      answerAtRelay: createRelayAnswerer({ declarations: answers, reservations, sessions, logger: options.logger }),
    }),
    onUpgrade: createPublicUpgradeHandler({ options, findTunnel, cluster }),
  });
  const upkeep = startUpkeep(options, sessions, reservations, queues);

  return {
    server,
    get url() {
      return urls.base;
    },
    urlsFor: (name) => urls.urlsFor(name),
    connectInProcess(request) {
      if (urls.base === '') {
        return Promise.resolve({ ok: false, code: 'E_RELAY_UNREACHABLE', message: 'the relay is not listening yet' });
      }
      return connect.inProcess.connect(request);
    },
    get tunnelCount() {
      return sessions.size;
    },
    async listen(port = 0, host = '127.0.0.1') {
      await stores.open();
      try {
        await queues.openExisting();
      } catch (error) {
        await queues.close().catch(() => {});
        await stores.close();
        throw error;
      }
      await upkeep.sweepNames();
      const address = await listenOn(server, port, host);
      urls.listening(host, address.port);
      return address;
    },
    ready,
    queueCommitStats: () => queues.commitStats(),
    queueDepth: () => queues.depth(),
    get inFlight() {
      return inFlight.count;
    },
    async close({ graceMs = 0 } = {}) {
      upkeep.stop();
      await closeGracefully(
        { server, wss, sessions, inFlight, closeInProcessLinks: connect.inProcess.closeAll },
        graceMs,
      );
      await queues.close();
      await stores.close();
    },
  };
}
