import { Agent, createServer, request, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyToNode } from './node-proxy.js';

/** Raw answers the "holding node" gives by path: whatever bytes a broken or hostile peer could write. */
const ANSWERS: Record<string, string> = {
  '/good': 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ngood',
  '/status-600': 'HTTP/1.1 600 Weird\r\nContent-Length: 2\r\n\r\nno',
  '/status-999': 'HTTP/1.1 999 Weird\r\nContent-Length: 0\r\n\r\n',
  '/switching': 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n',
  '/split':
    'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\nSet-Cookie: session=attacker\r\nContent-Length: 7\r\n\r\nhijack!',
  '/interim': 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
};

interface Seen {
  status: number;
  code: string | undefined;
  body: string;
  cut: boolean;
}

function get(port: number, path: string, agent: Agent): Promise<Seen> {
  return new Promise((resolve) => {
    const cut = () => resolve({ status: 0, code: undefined, body: '', cut: true });
    request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('aborted', cut);
      res.on('error', cut);
      res.on('end', () => {
        const code = res.headers['hookline-error'];
        resolve({ status: res.statusCode ?? 0, code: typeof code === 'string' ? code : undefined, body, cut: false });
      });
    })
      .on('error', cut)
      .end();
  });
}

describe('proxyToNode (the cluster path) holds the holding node to the same framing rules', () => {
  let holder: NetServer;
  let front: Server;
  let frontPort: number;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    holder = createNetServer((socket) => {
      // node-proxy's own keep-alive agent holds these open; they are closed with the suite.
      sockets.add(socket);
      socket.on('error', () => {});
      let head = '';
      socket.on('data', (chunk: Buffer) => {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        const path = head.split(' ')[1] ?? '';
        head = head.slice(end + 4);
        if (path === '/short') return void socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort');
        socket.write(ANSWERS[path] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      });
    });
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(holder.address() as AddressInfo).port}`;
    front = createServer((req, res) => proxyToNode(target, 'http://self', 'secret', req, res));
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    frontPort = (front.address() as AddressInfo).port;
  });

  afterAll(async () => {
    front.closeAllConnections();
    await new Promise((resolve) => front.close(resolve));
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => holder.close(resolve));
  });

  const cases: Array<[string, Partial<Seen>]> = [
    ['/good', { status: 200, body: 'good', cut: false }],
    ['/status-600', { status: 502, code: 'E_BAD_RESPONSE', cut: false }],
    ['/status-999', { status: 502, code: 'E_BAD_RESPONSE', cut: false }],
    ['/switching', { status: 502, code: 'E_BAD_RESPONSE', cut: false }],
    ['/split', { status: 200, body: 'hello', cut: false }],
    ['/interim', { status: 200, body: 'ok', cut: false }],
    ['/short', { cut: true }],
  ];

  for (const [path, expected] of cases) {
    it(`${path} → ${expected.cut ? 'cut' : expected.status}, and the next exchange on that connection is intact`, async () => {
      // One keep-alive connection to the front node: the bad answer and the next good one share it.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const [bad, next] = await Promise.all([get(frontPort, path, agent), get(frontPort, '/good', agent)]);
        expect(bad).toMatchObject(expected);
        expect(next).toEqual({ status: 200, code: undefined, body: 'good', cut: false });
      } finally {
        agent.destroy();
      }
    });
  }
});
