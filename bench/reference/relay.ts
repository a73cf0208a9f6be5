/**
 * The reference prototype's relay, in its own process: the throwaway design issue 5
 * measured its targets against (raw node:http, one WebSocket, binary frames,
 * batched sends, undici to the origin). It buffers whole bodies and checks
 * nothing (no auth, limits, streaming, flow control or validation), so it is a
 * yardstick for the cost of the design, not something to ship. Prints
 * { port, tunnelPort } when listening.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { batchedSender, decodeFrames, encodeFrame, HOP_BY_HOP, REQUEST, RESPONSE } from './frames.js';

let tunnel: WebSocket | null = null;
let nextId = 1;
const waiting = new Map<number, ServerResponse>();
const send = batchedSender(() => tunnel);

const server = createServer((req, res) => {
  if (!tunnel) {
    res.writeHead(502).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const id = nextId++;
    waiting.set(id, res);
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    send(encodeFrame(REQUEST, id, { method: req.method, path: req.url, headers }, Buffer.concat(chunks)));
  });
});
server.keepAliveTimeout = 60_000;

const tunnels = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
tunnels.on('connection', (socket) => {
  tunnel = socket;
  socket.on('message', (data: Buffer) => {
    for (const frame of decodeFrames(data)) {
      const res = waiting.get(frame.id);
      if (frame.type !== RESPONSE || !res) continue;
      waiting.delete(frame.id);
      const head = frame.head as { status: number; headers: Record<string, string | string[]> };
      res.writeHead(head.status, head.headers).end(frame.body);
    }
  });
  socket.on('close', () => {
    if (tunnel === socket) tunnel = null;
  });
});
tunnels.on('listening', () => {
  server.listen(0, '127.0.0.1', () => {
    const ready = {
      port: (server.address() as AddressInfo).port,
      tunnelPort: (tunnels.address() as AddressInfo).port,
      pid: process.pid,
    };
    process.stdout.write(`${JSON.stringify(ready)}\n`);
  });
});
process.once('SIGTERM', () => process.exit(0));
