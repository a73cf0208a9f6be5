import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createAdaptorServer, type WebSocketServerLike } from '@hono/node-server';
import { MAX_MESSAGE_SIZE } from '@hookline/protocol';
import { WebSocketServer } from 'ws';
import { forwardHttpExchange } from './http-exchange.js';
import { type RelayOptions, resolveRelayOptions } from './options.js';
import { sendPublicError, writeSocketError } from './public-error.js';
import { QueueRegistry } from './queue/queue-registry.js';
import { acceptQueued } from './queue/queued-ingress.js';
import { RateLimiter } from './rate-limiter.js';
import { routeRequest, type TunnelRoute } from './routing.js';
import { createServiceApp } from './service-app.js';
import { SessionTable } from './session-table.js';
import { createFileReservations, createMemoryReservations } from './store/reservations.js';
import { createTokenVerifier } from './store/token-store.js';
import { checkAccess } from './tunnel-access.js';
import { acceptTunnelSocket } from './tunnel-handshake.js';
import type { TunnelSession } from './tunnel-session.js';
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
  /** Number of tunnel sessions connected to this relay. */
  readonly tunnelCount: number;
  /** Close every session and the server. */
  close(): Promise<void>;
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
  const verifier =
    options.auth === 'required' ? createTokenVerifier({ dataDir: options.dataDir, tokens: options.tokens }) : null;
  const reservations = options.dataDir
    ? createFileReservations(options.dataDir, options.logger)
    : { ...createMemoryReservations(), load: async () => {} };
  const queues = new QueueRegistry({
    dataDir: options.dataDir ?? null,
    limits: options.queue,
    reservations,
    session: (name) => sessions.get(name),
    window: options.streamWindow,
    logger: options.logger,
  });
  const limits = { maxBodyBytes: options.maxBodyBytes, streamWindow: options.streamWindow };
  let baseUrl = options.publicUrl ?? '';

  const urlsFor = (name: string): string[] => {
    const base = new URL(baseUrl);
    const urls = [`${baseUrl}/t/${name}`];
    if (options.domain) urls.unshift(`${base.protocol}//${name}.${options.domain}${base.port ? `:${base.port}` : ''}`);
    return urls;
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_SIZE, perMessageDeflate: false });
  const app = createServiceApp({
    options,
    verifier,
    reservations,
    queues,
    stats: () => ({ tunnels: sessions.size }),
    onTunnelSocket(socket, owner, remoteAddress) {
      acceptTunnelSocket(socket, { options, sessions, reservations, queues, owner, remoteAddress, urlsFor });
    },
  });

  const tunnelRate = new RateLimiter({ ratePerSecond: options.tunnelRate.perSecond, burst: options.tunnelRate.burst });

  type Found =
    | { kind: 'service' }
    | {
        kind: 'error';
        code:
          | 'E_BAD_REQUEST'
          | 'E_TUNNEL_NOT_FOUND'
          | 'E_TUNNEL_OFFLINE'
          | 'E_TUNNEL_AUTH'
          | 'E_FORBIDDEN'
          | 'E_RATE_LIMITED'
          | 'E_HEADERS_TOO_LARGE';
        message: string;
        headers?: Record<string, string>;
      }
    | { kind: 'tunnel'; route: TunnelRoute; session: TunnelSession }
    | { kind: 'queued'; route: TunnelRoute };

  /** Where a request goes: a live session, a tunnel's durable queue, or an error. */
  const findTunnel = (req: IncomingMessage, upgrade: boolean): Found => {
    const routed = routeRequest(req.url, req.headers.host, options.domain);
    if (routed.kind === 'service') return routed;
    if (routed.kind === 'invalid') return { kind: 'error', code: 'E_BAD_REQUEST', message: routed.message };
    if (req.rawHeaders.length / 2 > options.maxHeaderCount) {
      return {
        kind: 'error',
        code: 'E_HEADERS_TOO_LARGE',
        message: `more than ${options.maxHeaderCount} header fields`,
      };
    }
    const { name } = routed.route;
    const reservation = reservations.get(name);
    const live = sessions.get(name);
    const session = live && !live.closed ? live : undefined;
    if (!session && !reservation) {
      return { kind: 'error', code: 'E_TUNNEL_NOT_FOUND', message: `no tunnel named "${name}" is online` };
    }
    // The tunnel's own protection comes before anything is stored or forwarded.
    const access = checkAccess(session?.access ?? reservation?.access, req, options.trustProxy);
    if (!access.ok) {
      return access.status === 401
        ? {
            kind: 'error',
            code: 'E_TUNNEL_AUTH',
            message: access.message,
            headers: { 'www-authenticate': 'Basic realm="hookline tunnel", charset="UTF-8"' },
          }
        : { kind: 'error', code: 'E_FORBIDDEN', message: access.message };
    }
    const wait = tunnelRate.take(name);
    if (wait > 0) {
      return {
        kind: 'error',
        code: 'E_RATE_LIMITED',
        message: `tunnel "${name}" gets too many requests; retry in ${wait} s`,
        headers: { 'retry-after': String(wait) },
      };
    }
    // A queued tunnel persists every webhook first, online or not (upgrades only go live).
    if (reservation?.queue && queues.enabled && !upgrade) return { kind: 'queued', route: routed.route };
    if (session) return { kind: 'tunnel', route: routed.route, session };
    return { kind: 'error', code: 'E_TUNNEL_OFFLINE', message: `tunnel "${name}" is offline` };
  };

  // Tunnel traffic is dispatched before hono, on the raw node objects: building a
  // Web Request/Response per exchange cost the prototype 2-3x relay CPU.
  const dispatch = (
    req: IncomingMessage,
    res: ServerResponse,
    hono: (req: IncomingMessage, res: ServerResponse) => unknown,
  ) => {
    const found = findTunnel(req, false);
    if (found.kind === 'service') return void hono(req, res);
    if (found.kind === 'error') return sendPublicError(res, found.code, found.message, found.headers);
    if (found.kind === 'queued') {
      const { name } = found.route;
      return void queues
        .get(name)
        .then((tunnel) => acceptQueued(tunnel, req, res, found.route, options.maxBodyBytes))
        .catch((error: unknown) => {
          options.logger.error({ tunnel: name, err: String(error) }, 'queue unavailable');
          sendPublicError(res, 'E_INTERNAL', 'the relay could not open the queue; nothing was stored');
        });
    }
    forwardHttpExchange(found.session, req, res, found.route, limits);
  };

  const server = createAdaptorServer({
    // connectionsCheckingInterval: how often Node looks for slow senders (its default is 30 s).
    serverOptions: {
      maxHeaderSize: options.maxHeaderBytes,
      connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs),
    },
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
    const found = findTunnel(req, true);
    if (found.kind === 'service') {
      if (serviceUpgrade) serviceUpgrade(req, socket, head);
      else writeSocketError(socket, 'E_TUNNEL_NOT_FOUND', 'no upgrade here');
      return;
    }
    socket.on('error', () => {});
    if (found.kind === 'error') return writeSocketError(socket, found.code, found.message);
    if (found.kind === 'queued') return writeSocketError(socket, 'E_TUNNEL_OFFLINE', 'tunnel is offline');
    forwardUpgrade(found.session, req, socket, head, found.route, limits);
  });
  server.headersTimeout = options.headersTimeoutMs;
  server.requestTimeout = options.requestTimeoutMs;
  server.keepAliveTimeout = 5_000;
  // Counted in findTunnel with a clear 431; Node's own cap would silently drop the extra fields.
  server.maxHeadersCount = 0;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    const [status, code, text] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? ['431 Request Header Fields Too Large', 'E_HEADERS_TOO_LARGE', 'request headers too large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? ['408 Request Timeout', 'E_REQUEST_TIMEOUT', 'request not received in time']
          : ['400 Bad Request', 'E_BAD_REQUEST', 'malformed HTTP request'];
    const body = `${text} (${code})\n`;
    socket.end(
      `HTTP/1.1 ${status}\r\nhookline-error: ${code}\r\ncontent-type: text/plain\r\n` +
        `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    );
  });

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
    get tunnelCount() {
      return sessions.size;
    },
    async listen(port = 0, host = '127.0.0.1') {
      await reservations.load();
      await queues.openExisting();
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
    async close() {
      clearInterval(heartbeat);
      for (const session of [...sessions.values()])
        session.close('E_RELAY_SHUTDOWN', 'the relay is shutting down', 1001);
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await queues.close();
    },
  };
}
