import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createAdaptorServer, type WebSocketServerLike } from '@hono/node-server';
import {
  type InProcessConnection,
  type InProcessConnectRequest,
  MAX_MESSAGE_SIZE,
  type TunnelSocket,
} from '@hookline/protocol';
import { WebSocketServer } from 'ws';
import { createRelayAnswerer } from './answer-at-relay.js';
import { resolveClusterOptions } from './cluster/cluster-options.js';
import { LazyCluster } from './cluster/lazy-cluster.js';
import { DeclaredAnswersTable } from './declared-answers.js';
import { createTunnelFinder, type Destination } from './find-tunnel.js';
import { forwardHttpExchange } from './http-exchange.js';
import { createInProcessConnector } from './in-process-connect.js';
import { type RelayOptions, resolveRelayOptions } from './options.js';
import { sendPublicError, writeSocketError } from './public-error.js';
import { QueueRegistry } from './queue/queue-registry.js';
import { acceptQueued } from './queue/queued-ingress.js';
import { observeExchange, readiness } from './relay-health.js';
import {
  applyServerLimits,
  cutOnHangUp,
  refuseBadRequest,
  refuseBadUpgrade,
  serverOptionsFor,
} from './server-limits.js';
import { type ConnectingClient, createServiceApp } from './service-app.js';
import { SessionTable } from './session-table.js';
import { type DataDirLock, lockDataDir } from './store/data-dir-lock.js';
import type { CommitStats } from './store/queue-writer.js';
import { createFileReservations, createMemoryReservations } from './store/reservations.js';
import { createTokenVerifier, type TokenVerifier } from './store/token-store.js';
import { dropConsumedCredentials } from './tunnel-access.js';
import { acceptTunnelSocket } from './tunnel-handshake.js';
import { forwardUpgrade } from './upgrade-exchange.js';

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
 *
 * @example
 * const relay = createRelay({ domain: 'localhost' });
 * await relay.listen(0, '127.0.0.1');
 * console.log(relay.url);
 */
export function createRelay(relayOptions: RelayOptions = {}): Relay {
  const options = resolveRelayOptions(relayOptions);
  const sessions = new SessionTable();
  const cluster = options.cluster
    ? new LazyCluster(resolveClusterOptions(options.cluster), sessions, options.tokens, options.logger)
    : null;
  if (cluster) options.registry = cluster.registry;
  const fileVerifier = () =>
    createTokenVerifier({ dataDir: options.dataDir, tokens: options.tokens, logger: options.logger });
  const verifier = options.auth === 'required' ? (cluster?.verifier ?? fileVerifier()) : null;
  // An open relay with a data dir still honours a token that is given: a name it
  // owns, and an offline queue, then work there too (no token: an open tunnel).
  const optionalVerifier = verifier === null && options.dataDir && !cluster ? fileVerifier() : null;
  const reservations = cluster
    ? cluster.reservations
    : options.dataDir
      ? createFileReservations(options.dataDir)
      : { ...createMemoryReservations(), load: async () => {} };
  const queues = new QueueRegistry({
    // In a cluster the queues are Redis streams every node shares, not files of one node.
    dataDir: cluster ? null : (options.dataDir ?? null),
    shared: cluster?.sharedQueues,
    limits: options.queue,
    reservations,
    session: (name) => sessions.get(name),
    window: options.streamWindow,
    logger: options.logger,
  });
  const limits = { maxBodyBytes: options.maxBodyBytes, streamWindow: options.streamWindow };
  const answers = new DeclaredAnswersTable();
  const answerAtRelay = createRelayAnswerer({ declarations: answers, reservations, sessions, logger: options.logger });
  let baseUrl = options.publicUrl ?? '';

  const urlsFor = (name: string): string[] => {
    const base = new URL(baseUrl);
    const urls = [`${baseUrl}/t/${name}`];
    if (options.domain) urls.unshift(`${base.protocol}//${name}.${options.domain}${base.port ? `:${base.port}` : ''}`);
    return urls;
  };

  // A network change leaves a half-dead session the heartbeat finds only after up to two
  // intervals; a newcomer asks at once (2 s is many round trips, even on a poor link).
  const holderAnswers = async (name: string) =>
    sessions.get(name)?.probe(Math.min(2_000, options.heartbeatIntervalMs)) ?? true;
  const acceptClient = (socket: TunnelSocket, client: ConnectingClient) =>
    acceptTunnelSocket(socket, {
      options,
      sessions,
      reservations,
      queues,
      cluster: cluster?.joined ?? null,
      answers,
      ...client,
      urlsFor,
    });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_SIZE, perMessageDeflate: false });
  const app = createServiceApp({
    options,
    verifier,
    optionalVerifier,
    reservations,
    queues,
    stats: () => ({ tunnels: sessions.size }),
    ...(cluster ? { failureStore: cluster.failureStore } : {}),
    holderAnswers,
    ready: () => (cluster ? cluster.ready() : readiness(options.dataDir, () => queues.storeHealth())),
    onTunnelSocket: (socket, client) => acceptClient(socket, client),
  });
  const inProcess = createInProcessConnector({
    options,
    reservations,
    verifier,
    optionalVerifier,
    holderAnswers,
    accept: (socket, client) => acceptClient(socket, client),
  });

  if (cluster) cluster.onQueued = (name) => void queues.refresh(name).catch(() => {});
  // Pub/sub notices are lost while Redis restarts: every node also catches up every few seconds.
  const queueResync = cluster ? setInterval(() => void queues.refreshAll(), 5_000) : undefined;
  queueResync?.unref();
  const findTunnel = createTunnelFinder({ options, sessions, reservations, queues });
  let inFlight = 0;
  let dataDirLock: DataDirLock | null = null;
  const { observer } = options;

  // Tunnel traffic is dispatched before hono, on the raw node objects: building a
  // Web Request/Response per exchange cost the prototype 2-3x relay CPU.
  const dispatch = (
    req: IncomingMessage,
    res: ServerResponse,
    hono: (req: IncomingMessage, res: ServerResponse) => unknown,
  ) => {
    if (refuseBadRequest(req, res)) return;
    const internal = cluster?.isInternal(req) ?? false;
    const found = findTunnel(req, false, internal);
    if (found.kind === 'service') return void hono(req, res);
    // Counted so that a graceful close lets it finish (proxied ones included).
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
    });
    cutOnHangUp(req, res);
    if (observer.exchange) observeExchange(req, res, found, observer.exchange);
    // Handshakes and the offline response a tunnel declared are answered here; the rest is delivered.
    answerAtRelay(req, res, found, () => deliver(req, res, found, internal));
  };

  /** Send a public request where `findTunnel` decided: an error (or another node), a queue, a live session. */
  const deliver = (
    req: IncomingMessage,
    res: ServerResponse,
    found: Exclude<Destination, { kind: 'service' }>,
    internal: boolean,
  ) => {
    if (found.kind === 'error') {
      const { name } = found;
      if (cluster && !internal && name && (found.code === 'E_TUNNEL_NOT_FOUND' || found.code === 'E_TUNNEL_OFFLINE')) {
        // Maybe another node holds it: ask the routing table, then proxy there.
        return void cluster
          .proxyIfElsewhere(name, req, res)
          .then((proxied) => proxied || sendPublicError(res, found.code, found.message, found.headers))
          .catch(() => sendPublicError(res, 'E_TUNNEL_OFFLINE', 'the cluster routing table is unreachable'));
      }
      return sendPublicError(res, found.code, found.message, found.headers);
    }
    if (found.kind === 'queued') {
      const { name } = found.route;
      const acceptHere = () => {
        dropConsumedCredentials(req, found.access);
        return queues
          .get(name)
          .then((tunnel) => acceptQueued(tunnel, req, res, found.route, options.maxBodyBytes))
          .catch((error: unknown) => {
            options.logger.error({ tunnel: name, err: String(error) }, 'queue unavailable');
            sendPublicError(res, 'E_INTERNAL', 'the relay could not store the webhook; nothing was stored');
          });
      };
      const local = sessions.get(name);
      const heldHere = local && !local.closed && local.leaseValidUntil > Date.now();
      // In a cluster the node holding the tunnel takes the webhook (in order, live when it can).
      if (cluster && !internal && !heldHere) {
        return void cluster
          .proxyIfElsewhere(name, req, res)
          .then(async (proxied) => {
            if (!proxied) await acceptHere();
          })
          .catch(() => acceptHere());
      }
      return void acceptHere();
    }
    dropConsumedCredentials(req, found.session.access);
    forwardHttpExchange(found.session, req, res, found.route, limits);
  };

  const server = createAdaptorServer({
    serverOptions: serverOptionsFor(options),
    fetch: app.fetch,
    // ws's option types and node-server's differ only under exactOptionalPropertyTypes.
    websocket: { server: wss as unknown as WebSocketServerLike },
    createServer: ((serverOptions: object, hono: (req: IncomingMessage, res: ServerResponse) => unknown) =>
      createServer(serverOptions, (req, res) => dispatch(req, res, hono))) as unknown as typeof createServer,
  }) as Server;

  // node-server installed one 'upgrade' listener (for /_hookline/connect). Tunnel
  // upgrades must bypass it, and it only rejects refused upgrades while it is the
  // sole listener, so wrap it instead of adding a second one.
  const [serviceUpgrade] = server.listeners('upgrade') as Array<
    (req: IncomingMessage, socket: Duplex, head: Buffer) => void
  >;
  server.removeAllListeners('upgrade');
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (refuseBadUpgrade(req, socket)) return;
    const internal = cluster?.isInternal(req) ?? false;
    const found = findTunnel(req, true, internal);
    if (found.kind === 'service') {
      if (serviceUpgrade) serviceUpgrade(req, socket, head);
      else writeSocketError(socket, 'E_TUNNEL_NOT_FOUND', 'no upgrade here');
      return;
    }
    socket.on('error', () => {});
    if (found.kind === 'error') {
      const { name } = found;
      if (cluster && !internal && name && (found.code === 'E_TUNNEL_NOT_FOUND' || found.code === 'E_TUNNEL_OFFLINE')) {
        // Held by another node: hand the raw connection over (a dev server's HMR socket, say).
        return void cluster
          .proxyUpgradeIfElsewhere(name, req, socket, head)
          .then((proxied) => proxied || writeSocketError(socket, found.code, found.message))
          .catch(() => writeSocketError(socket, 'E_TUNNEL_OFFLINE', 'the cluster routing table is unreachable'));
      }
      return writeSocketError(socket, found.code, found.message);
    }
    if (found.kind === 'queued') return writeSocketError(socket, 'E_TUNNEL_OFFLINE', 'tunnel is offline');
    dropConsumedCredentials(req, found.session.access);
    forwardUpgrade(found.session, req, socket, head, found.route, limits);
  });
  applyServerLimits(server, options);

  // Operator expiry of unused names: checked at start and then every quarter TTL (at most hourly).
  const sweepNames = async (): Promise<void> => {
    if (!options.nameTtlMs) return;
    const keep = (name: string) => sessions.get(name) !== undefined || queues.hasBacklog(name);
    const expired = await reservations.expire(Date.now() - options.nameTtlMs, keep).catch(() => []);
    if (expired.length > 0) options.logger.info({ names: expired }, 'unused name reservations expired');
  };
  const nameSweep = options.nameTtlMs
    ? setInterval(() => void sweepNames(), Math.min(options.nameTtlMs / 4, 60 * 60 * 1000))
    : undefined;
  nameSweep?.unref();

  const heartbeat = setInterval(() => {
    for (const session of sessions.values()) {
      if (!session.alive) session.terminate();
      else session.ping();
    }
  }, options.heartbeatIntervalMs);
  heartbeat.unref();

  return {
    server,
    get url() {
      return baseUrl;
    },
    urlsFor,
    connectInProcess(request) {
      if (baseUrl === '') {
        return Promise.resolve({ ok: false, code: 'E_RELAY_UNREACHABLE', message: 'the relay is not listening yet' });
      }
      return inProcess.connect(request);
    },
    get tunnelCount() {
      return sessions.size;
    },
    async listen(port = 0, host = '127.0.0.1') {
      // One relay per data dir (the lock also creates it, 0700), and a damaged store
      // stops the start (StoreStartError), never an empty start.
      if (options.dataDir && !cluster) dataDirLock = lockDataDir(options.dataDir);
      try {
        for (const tokens of [verifier, optionalVerifier] as Array<TokenVerifier | null>) tokens?.load?.();
        await reservations.load();
        await queues.openExisting();
      } catch (error) {
        await queues.close().catch(() => {});
        dataDirLock?.release();
        dataDirLock = null;
        throw error;
      }
      await sweepNames();
      return new Promise<AddressInfo>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          if (!options.publicUrl) {
            const shown = options.domain ?? (host === '0.0.0.0' || host === '::' ? 'localhost' : host);
            baseUrl = `http://${shown.includes(':') ? `[${shown}]` : shown}:${address.port}`;
          }
          resolve(address);
        });
      });
    },
    ready: () => (cluster ? cluster.ready() : readiness(options.dataDir, () => queues.storeHealth())),
    queueCommitStats: () => queues.commitStats(),
    queueDepth: () => queues.depth(),
    get inFlight() {
      return inFlight;
    },
    async close({ graceMs = 0 } = {}) {
      clearInterval(heartbeat);
      clearInterval(nameSweep);
      clearInterval(queueResync);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      const busy = () => inFlight > 0 || [...sessions.values()].some((session) => session.activeStreams > 0);
      while (Date.now() < deadline && busy()) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      for (const session of [...sessions.values()])
        session.close('E_RELAY_SHUTDOWN', 'the relay is shutting down', 1001);
      for (const client of wss.clients) client.terminate();
      inProcess.closeAll();
      server.closeAllConnections();
      await closed;
      await queues.close();
      await cluster?.close();
      dataDirLock?.release();
      dataDirLock = null;
    },
  };
}
