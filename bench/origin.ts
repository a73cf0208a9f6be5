/**
 * The benchmark's local server, in its own process: drains the request body and
 * answers a small JSON document. Prints { port } when listening.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const reply = Buffer.from(JSON.stringify({ ok: true, received: true }));
const server = createServer((req, res) => {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': reply.length, 'x-bytes': bytes });
    res.end(reply);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port, pid: process.pid })}\n`);
});
process.once('SIGTERM', () => process.exit(0));
