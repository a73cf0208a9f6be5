import type { Server } from 'node:http';
import type { WebSocketServer } from 'ws';
import type { InFlight } from './in-flight.js';
import type { SessionTable } from './session-table.js';

export interface ClosingRelay {
  server: Server;
  wss: WebSocketServer;
  sessions: SessionTable;
  inFlight: InFlight;
  /** Drop the in-process links (they hold no socket the server could close). */
  closeInProcessLinks(): void;
}

/**
 * Stop the relay's traffic: no new connections; public requests and tunnel
 * exchanges in flight may finish until `graceMs` has passed; then every client is
 * told to reconnect (elsewhere) and every connection is closed. A server that
 * holds WebSockets never finishes `close()` on its own: they are terminated first.
 */
export async function closeGracefully(relay: ClosingRelay, graceMs: number): Promise<void> {
  const { server, wss, sessions, inFlight } = relay;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const deadline = Date.now() + graceMs;
  const busy = () => inFlight.count > 0 || [...sessions.values()].some((session) => session.activeStreams > 0);
  while (Date.now() < deadline && busy()) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  for (const session of [...sessions.values()]) session.close('E_RELAY_SHUTDOWN', 'the relay is shutting down', 1001);
  for (const client of wss.clients) client.terminate();
  relay.closeInProcessLinks();
  server.closeAllConnections();
  await closed;
}
