import { type IncomingMessage, Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createAdaptorServer, getRequestListener, type WebSocketServerLike } from '@hono/node-server';
import { MAX_MESSAGE_SIZE } from '@hookline/protocol';
import { WebSocketServer } from 'ws';
import type { ResolvedRelayOptions } from './options.js';
import { writeSocketError } from './public-error.js';
import type { ServiceRequest } from './public-request.js';
import type { ServiceUpgrade } from './public-upgrade.js';
import { applyServerLimits, serverOptionsFor } from './server-limits.js';

/**
 * node-server is written for ws's server (its docs pass `new WebSocketServer({
 * noServer: true })`), but the two packages' types disagree on details (`send`'s
 * overloads, optional members under exactOptionalPropertyTypes). This checks
 * what node-server itself checks at run time, and says so to the compiler.
 */
function isNodeServerWss(wss: unknown): wss is WebSocketServerLike {
  return wss instanceof WebSocketServer && wss.options.noServer === true;
}

export interface RelayServerParts {
  options: ResolvedRelayOptions;
  /** The relay's own routes (`/_hookline/…`: hono), the tunnel endpoint among them. */
  fetch: Parameters<typeof createAdaptorServer>[0]['fetch'];
  /** Every plain request, first: it hands the relay's own routes on to `toService`. */
  onRequest(req: IncomingMessage, res: ServerResponse, toService: ServiceRequest): void;
  /** Every upgrade request, first: likewise. */
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, toService: ServiceUpgrade): void;
}

/**
 * The relay's node HTTP server: node-server's, which serves hono and the tunnel
 * endpoint's WebSocket upgrade, with the public side in front of both of its
 * listeners. node-server installs one 'request' and one 'upgrade' listener; the
 * relay's take their place and call them only for the relay's own routes. The
 * upgrade one must stay node-server's only listener: it writes its refusal of a
 * bad upgrade (401, 409…) only while it is the sole one.
 */
export function createRelayServer({ options, fetch, onRequest, onUpgrade }: RelayServerParts): {
  server: Server;
  /** The tunnel endpoint's WebSocket server: its clients are terminated on close. */
  wss: WebSocketServer;
} {
  // No permessage-deflate: with it the prototype's tunnel ran at 1/200 of its speed.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_SIZE, perMessageDeflate: false });
  if (!isNodeServerWss(wss)) throw new TypeError('the tunnel endpoint needs a ws server without its own listener');
  const server = createAdaptorServer({ serverOptions: serverOptionsFor(options), fetch, websocket: { server: wss } });
  if (!(server instanceof Server)) throw new TypeError('node-server built a server that is not HTTP/1');

  const toService = getRequestListener(fetch);
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => onRequest(req, res, toService));

  const [serviceUpgrade] = server.listeners('upgrade');
  const upgradeToService: ServiceUpgrade = (req, socket, head) => {
    if (serviceUpgrade) Reflect.apply(serviceUpgrade, server, [req, socket, head]);
    else writeSocketError(socket, 'E_TUNNEL_NOT_FOUND', 'no upgrade here');
  };
  server.removeAllListeners('upgrade');
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    onUpgrade(req, socket, head, upgradeToService),
  );
  applyServerLimits(server, options);
  return { server, wss };
}

/** Listen on `host:port`; resolves with the bound address, rejects with the listen error. */
export function listenOn(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('the relay is not on a TCP port'));
      resolve(address);
    });
  });
}
