import { Agent, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { stripHopByHop } from '@hookline/protocol';
import { judgeResponseHead, ResponseBodyFraming, sendPublicError } from '@hookline/relay';

/** Headers that mark a request as coming from another node of the cluster. */
export const CLUSTER_SECRET_HEADER = 'hookline-cluster-secret';
export const CLUSTER_FROM_HEADER = 'hookline-cluster-from';

const agent = new Agent({ keepAlive: true, maxSockets: 512 });

/**
 * Hand a public request to the node that holds its tunnel, streaming both ways
 * (pipe: backpressure, no buffering). The other node trusts the secret, not the
 * caller: it answers from its own session or says why not, and never forwards again.
 */
export function proxyToNode(
  target: string,
  self: string,
  secret: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const headers: Record<string, string | string[]> = {};
  const raw = stripHopByHop(req.rawHeaders);
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const current = headers[name];
    headers[name] = current === undefined ? value : Array.isArray(current) ? [...current, value] : [current, value];
  }
  const caller = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const forwarded = headers['x-forwarded-for'];
  headers['x-forwarded-for'] = forwarded ? `${forwarded}, ${caller}` : caller;
  headers[CLUSTER_SECRET_HEADER] = secret;
  headers[CLUSTER_FROM_HEADER] = self;
  const upstream = request(`${target}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, agent });
  // A node that stopped answering (frozen, partitioned) must not hold the caller forever.
  const headTimer = setTimeout(() => {
    upstream.destroy();
    if (!res.headersSent)
      sendPublicError(res, 'E_LOCAL_TIMEOUT', 'the relay node holding this tunnel did not answer in time');
  }, 30_000);
  upstream.once('response', () => clearTimeout(headTimer));
  upstream.once('close', () => clearTimeout(headTimer));
  upstream.on('response', (reply) => {
    if (res.headersSent) return void reply.resume();
    relayReply(reply, res, req.method ?? 'GET', () => upstream.destroy());
  });
  // node:http hands a 101 to 'upgrade', never to 'response': on a plain request it is unusable.
  upstream.once('upgrade', (_reply, socket) => {
    clearTimeout(headTimer);
    socket.destroy();
    sendPublicError(res, 'E_BAD_RESPONSE', 'the relay node holding this tunnel answered 101 to a plain request');
  });
  upstream.on('error', () => {
    // A whole answer stays whole (the caller's connection may already carry its next exchange).
    if (res.headersSent) return void (res.writableEnded || res.destroy());
    sendPublicError(res, 'E_TUNNEL_OFFLINE', 'the relay node holding this tunnel cannot be reached; retry shortly', {
      'retry-after': '1',
    });
  });
  res.once('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

/**
 * Write the holding node's answer to the caller under the same framing rules as
 * a tunnel's (response-framing.ts): that node is ours, but what it relays came
 * from a tunnel client, and this caller's connection must not depend on either.
 */
function relayReply(reply: IncomingMessage, res: ServerResponse, method: string, cut: () => void): void {
  const head = { status: reply.statusCode ?? 0, headers: reply.rawHeaders };
  const verdict = judgeResponseHead(head, { method, upgrade: false });
  if (verdict.kind !== 'final') {
    // node:http never hands 1xx to 'response'; a 101 here, or 600-999, is unusable.
    cut();
    const message = verdict.kind === 'refuse' ? verdict.message : `status ${head.status} as a final answer`;
    return sendPublicError(res, 'E_BAD_RESPONSE', `the relay node holding this tunnel answered badly: ${message}`);
  }
  res.strictContentLength = true;
  res.writeHead(verdict.status, verdict.headers);
  const body = new ResponseBodyFraming(verdict.length);
  if (body.complete) res.end();
  reply.on('data', (chunk: Buffer) => {
    if (res.writableEnded) return;
    const step = body.take(chunk);
    if (step.write && !res.write(step.write)) {
      reply.pause();
      res.once('drain', () => reply.resume());
    }
    if (step.complete) res.end();
    if (step.overrun) cut();
  });
  // Whole (node:http saw the full message) and exactly as declared, or the caller's connection is cut.
  reply.once('end', () => {
    if (!res.writableEnded) return void (body.whole() ? res.end() : res.destroy());
  });
  reply.once('close', () => {
    if (!res.writableEnded && !(reply.complete && body.whole())) res.destroy();
  });
  reply.on('error', () => {
    if (!res.writableEnded) res.destroy();
  });
}

/**
 * Hand an upgrade request (WebSocket and friends) to the node holding its tunnel:
 * replay the request head on a fresh connection with the cluster secret, then
 * pipe raw bytes both ways. The other node answers the upgrade itself.
 */
export function proxyUpgradeToNode(
  target: string,
  self: string,
  secret: string,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  const url = new URL(target);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const upstream =
    url.protocol === 'https:'
      ? tlsConnect({ host: url.hostname, port, servername: url.hostname })
      : netConnect({ host: url.hostname, port });
  const caller = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  let text = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n`;
  let forwardedFor = '';
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    const lower = name.toLowerCase();
    if (lower === CLUSTER_SECRET_HEADER || lower === CLUSTER_FROM_HEADER) continue;
    if (lower === 'x-forwarded-for') {
      forwardedFor = req.rawHeaders[i + 1] as string;
      continue;
    }
    text += `${name}: ${req.rawHeaders[i + 1]}\r\n`;
  }
  text += `x-forwarded-for: ${forwardedFor ? `${forwardedFor}, ${caller}` : caller}\r\n`;
  text += `${CLUSTER_SECRET_HEADER}: ${secret}\r\n${CLUSTER_FROM_HEADER}: ${self}\r\n\r\n`;
  const fail = () => {
    upstream.destroy();
    socket.destroy();
  };
  upstream.on('error', fail);
  socket.on('error', fail);
  upstream.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
    upstream.setNoDelay(true);
    upstream.write(text);
    if (head.length > 0) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
}
