import { type Agent, type ClientRequest, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { BodyPump, BodySink, FrameType, rawHeadersToObject, stripHopByHop } from '@hookline/protocol';
import {
  type ClientStream,
  describeLocalError,
  ExchangeLifecycle,
  type LocalExchangeInit,
} from './exchange-lifecycle.js';
import { forwardedRequestHeaders } from './forward-headers.js';
import { targetHostname } from './target.js';

/**
 * A WebSocket (or other Upgrade) exchange: node:http does the handshake with the
 * local server, then the upgraded socket's bytes flow both ways as body frames.
 */
export function startUpgradeExchange(init: LocalExchangeInit, agent: Agent): ClientStream {
  const { head, writer, stream, target } = init;
  let sink: BodySink | null = null;
  let pump: BodyPump | null = null;
  /** After the upgrade, `req` no longer owns the socket: ending the exchange must close it. */
  let upgraded: Duplex | null = null;
  const life = new ExchangeLifecycle(init, {
    bytes: () => ({ request: sink?.bytes ?? 0, response: pump?.bytes ?? 0 }),
    release: () => {
      pump?.stop();
      sink?.close();
    },
    abort: () => {
      req.destroy();
      upgraded?.destroy();
    },
  });

  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const req: ClientRequest = send({
    protocol: target.protocol,
    hostname: targetHostname(target),
    port: target.port || (target.protocol === 'https:' ? 443 : 80),
    method: head.method,
    path: init.forwardPath ?? head.target,
    headers: rawHeadersToObject(forwardedRequestHeaders(head, target, init.hostHeader)),
    agent,
    // Local dev servers commonly use self-signed certificates.
    rejectUnauthorized: false,
  });

  // The server declined the upgrade: an ordinary response, forwarded as is.
  req.on('response', (res) => {
    if (life.done) return void res.resume();
    life.respond(res.statusCode ?? 502, res.statusMessage ?? '', stripHopByHop(res.rawHeaders));
    pump = new BodyPump({
      source: res,
      writer,
      stream,
      direction: 'response',
      window: init.window,
      onEnd: () => life.finish(null),
      onError: () => life.fail('E_LOCAL_ERROR', `${target.host} broke off its response`),
    });
    const tap = init.observer?.responseBody;
    if (tap) res.on('data', (chunk: Buffer) => tap(init.id, chunk));
  });

  req.on('upgrade', (res, socket: Duplex, firstBytes: Buffer) => {
    if (life.done) return void socket.destroy();
    upgraded = socket;
    life.respond(res.statusCode ?? 101, res.statusMessage ?? '', stripHopByHop(res.rawHeaders, true));
    if (firstBytes.length > 0) socket.unshift(firstBytes);
    sink = new BodySink({ destination: socket, writer, stream, window: init.window });
    pump = new BodyPump({ source: socket, writer, stream, direction: 'response', window: init.window });
    socket.on('error', () => {});
    socket.once('close', () => {
      if (life.done) return;
      // Tell the relay to drop its side too, whichever end closed first.
      writer.write({ type: FrameType.RESET, stream, reset: { code: 'E_CANCELLED', message: 'connection closed' } });
      life.finish(null);
    });
  });

  req.on('error', (error: NodeJS.ErrnoException) => {
    const problem = describeLocalError(error, target);
    life.fail(problem.code, problem.message);
  });
  req.end();

  return {
    onRequestBody(chunk) {
      sink?.push(chunk);
    },
    onRequestEnd() {
      sink?.end();
    },
    onWindow(credit) {
      pump?.grant(credit);
    },
    onReset(code, message) {
      life.reset(code, message);
    },
  };
}
