import { Agent, createServer, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface KeepAliveProxy {
  port: number;
  url: string;
  /** Upstream connections the proxy opened (to see that reuse happened). */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * A reverse proxy like nginx with upstream keep-alive: every request to it goes
 * to `target` over ONE reused upstream connection (`maxSockets: 1`), so callers
 * of different tunnels take turns on the same socket to the relay. If the relay
 * ever let one exchange's bytes spill into the next, the next caller would read
 * them. An upstream failure answers 502 with `x-proxy-error`, or cuts the caller
 * if its head already went out — as a proxy would.
 */
export async function startKeepAliveProxy(targetPort: number): Promise<KeepAliveProxy> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let connections = 0;
  const seen = new WeakSet<Socket>();
  const server = createServer((req, res) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && name !== 'connection' && name !== 'keep-alive') headers[name] = value;
    }
    const upstream = request({
      host: '127.0.0.1',
      port: targetPort,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers,
      agent,
    });
    upstream.on('socket', (socket) => {
      if (seen.has(socket)) return;
      seen.add(socket);
      connections += 1;
    });
    upstream.on('response', (reply) => {
      const replyHeaders: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(reply.headers)) {
        if (value !== undefined && name !== 'connection' && name !== 'keep-alive' && name !== 'transfer-encoding')
          replyHeaders[name] = value;
      }
      res.writeHead(reply.statusCode ?? 502, replyHeaders);
      reply.pipe(res);
      reply.on('error', () => res.destroy());
      reply.on('aborted', () => res.destroy());
      reply.on('close', () => {
        if (!reply.complete) res.destroy();
      });
    });
    upstream.on('error', (error) => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'x-proxy-error': error.message, 'content-length': '0' });
      res.end();
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
