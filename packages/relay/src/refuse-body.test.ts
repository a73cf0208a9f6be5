import { Agent, createServer, request, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { refuseBody } from './refuse-body.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A server that refuses every body at once with 413, the way the relay does. */
async function refusingServer(): Promise<number> {
  server = createServer((req, res) => {
    refuseBody(req, res);
    res.writeHead(413, { 'content-length': 2 });
    res.end('no');
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Send a declared 1 MiB body in 64 KiB pieces, 10 ms apart, after the head. */
function slowUpload(port: number, connection: 'close' | 'keep-alive') {
  return new Promise<{ response: string; error: string | null }>((resolve) => {
    // Half-open allowed: like an HTTP client uploading, it keeps writing after the server's FIN.
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let error: string | null = null;
    let sent = 0;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
    });
    socket.on('end', () => {
      if (sent === 16) socket.end();
    });
    socket.on('close', () => resolve({ response: Buffer.concat(chunks).toString('latin1'), error }));
    socket.write(`POST /x HTTP/1.1\r\nHost: x\r\nConnection: ${connection}\r\nContent-Length: ${16 * 65536}\r\n\r\n`);
    const timer = setInterval(() => {
      if (socket.destroyed) return clearInterval(timer);
      socket.write(Buffer.alloc(65536, 1));
      sent += 1;
      if (sent < 16) return;
      clearInterval(timer);
      if (socket.readableEnded) socket.end();
    }, 10);
  });
}

/** POST `size` bytes with `agent`; resolves with status and Connection header, or the error code. */
function post(port: number, agent: Agent, size: number) {
  return new Promise<string>((resolve) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/x', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(`${res.statusCode} ${res.headers.connection}`));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end(Buffer.alloc(size, 2));
  });
}

describe('refuseBody', () => {
  it('says Connection: close, so a keep-alive caller sends its next request on a new connection', async () => {
    const port = await refusingServer();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const [first, second] = await Promise.all([post(port, agent, 200_000), post(port, agent, 10)]);
      expect(first).toBe('413 close');
      expect(second).toBe('413 close');
    } finally {
      agent.destroy();
    }
  });

  for (const connection of ['close', 'keep-alive'] as const) {
    it(`lets a caller still sending its body read the 413, then closes (Connection: ${connection})`, async () => {
      const port = await refusingServer();
      const { response, error } = await slowUpload(port, connection);
      // Closing with the body unread would reset the connection under the caller's writes.
      expect(error).toBeNull();
      expect(response.startsWith('HTTP/1.1 413')).toBe(true);
      expect(response.endsWith('\r\n\r\nno')).toBe(true);
    });
  }
});
