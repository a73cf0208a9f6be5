import { type Agent, type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import {
  BodyPump,
  BodySink,
  type ErrorCode,
  FrameType,
  type FrameWriter,
  type RequestHead,
  rawHeadersToObject,
  stripHopByHop,
} from '@hookline/protocol';
import type { ExchangeEvent, ExchangeObserver, ResponseEvent } from './events.js';
import { forwardedRequestHeaders, type HostHeaderMode } from './forward-headers.js';

/** The client's end of one stream, fed by the session's frames. */
export interface ClientStream {
  onRequestBody(chunk: Buffer): void;
  onRequestEnd(): void;
  onWindow(credit: number): void;
  onReset(code: ErrorCode, message: string): void;
}

export interface LocalExchangeInit {
  id: string;
  stream: number;
  head: RequestHead;
  writer: FrameWriter;
  target: URL;
  agent: Agent;
  hostHeader: HostHeaderMode;
  /** No response head within this time → 504. */
  timeoutMs: number;
  window: number;
  onResponse(event: ResponseEvent): void;
  /** Optional body taps (captures). */
  observer?: ExchangeObserver | undefined;
  /** Called exactly once when the exchange is over. */
  onDone(event: ExchangeEvent): void;
}

function describeLocalError(error: NodeJS.ErrnoException, target: URL): { code: ErrorCode; message: string } {
  if (error.code === 'ECONNREFUSED') {
    return { code: 'E_LOCAL_REFUSED', message: `connection refused by ${target.host}: is your local server running?` };
  }
  return { code: 'E_LOCAL_ERROR', message: `local server ${target.host} failed: ${error.code ?? error.message}` };
}

/** Forward one tunnel stream to the local target and stream its response back. */
export function startLocalExchange(init: LocalExchangeInit): ClientStream {
  const { head, writer, stream, target } = init;
  const started = performance.now();
  let sink: BodySink | null = null;
  let pump: BodyPump | null = null;
  let status: number | null = null;
  let done = false;

  const finish = (error: { code: ErrorCode; message: string } | null): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    pump?.stop();
    sink?.close();
    init.onDone({
      id: init.id,
      method: head.method,
      path: head.target,
      status,
      durationMs: performance.now() - started,
      requestBytes: sink?.bytes ?? 0,
      responseBytes: pump?.bytes ?? 0,
      error,
      upgrade: head.upgrade,
      delivery: head.delivery ?? null,
    });
  };

  /** Fail the exchange from this side: RESET tells the relay which status to answer. */
  const fail = (code: ErrorCode, message: string): void => {
    if (done) return;
    writer.write({ type: FrameType.RESET, stream, reset: { code, message } });
    finish({ code, message });
    req.destroy();
  };

  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const req: ClientRequest = send({
    protocol: target.protocol,
    hostname: target.hostname.replace(/^\[|\]$/g, ''),
    port: target.port || (target.protocol === 'https:' ? 443 : 80),
    method: head.method,
    path: head.target,
    headers: rawHeadersToObject(forwardedRequestHeaders(head, target, init.hostHeader)),
    agent: init.agent,
    // Local dev servers commonly use self-signed certificates.
    rejectUnauthorized: false,
  });

  const timer = setTimeout(() => {
    fail('E_LOCAL_TIMEOUT', `${target.host} sent no response within ${Math.round(init.timeoutMs / 1000)} s`);
  }, init.timeoutMs);

  const respond = (res: IncomingMessage, upgraded: boolean): void => {
    clearTimeout(timer);
    status = res.statusCode ?? 502;
    const headers = stripHopByHop(res.rawHeaders, upgraded);
    writer.write({
      type: FrameType.RESPONSE_HEAD,
      stream,
      head: { status, statusText: res.statusMessage ?? '', headers },
    });
    init.onResponse({ id: init.id, status, headers, durationMs: performance.now() - started });
  };

  req.on('response', (res) => {
    if (done) return void res.resume();
    respond(res, false);
    pump = new BodyPump({
      source: res,
      writer,
      stream,
      direction: 'response',
      window: init.window,
      onEnd: () => finish(null),
      onError: () => fail('E_LOCAL_ERROR', `${target.host} broke off its response`),
    });
    res.once('aborted', () => fail('E_LOCAL_ERROR', `${target.host} broke off its response`));
    const tap = init.observer?.responseBody;
    if (tap) res.on('data', (chunk: Buffer) => tap(init.id, chunk));
  });

  req.on('upgrade', (res, socket: Duplex, firstBytes: Buffer) => {
    if (done) return void socket.destroy();
    respond(res, true);
    if (firstBytes.length > 0) socket.unshift(firstBytes);
    sink = new BodySink({ destination: socket, writer, stream, window: init.window });
    pump = new BodyPump({
      source: socket,
      writer,
      stream,
      direction: 'response',
      window: init.window,
      onError: () => {},
    });
    socket.on('error', () => {});
    socket.once('close', () => {
      if (done) return;
      // Tell the relay to drop its side too, whichever end closed first.
      writer.write({ type: FrameType.RESET, stream, reset: { code: 'E_CANCELLED', message: 'connection closed' } });
      finish(null);
    });
  });

  req.on('error', (error: NodeJS.ErrnoException) => {
    if (done) return;
    const problem = describeLocalError(error, target);
    fail(problem.code, problem.message);
  });

  if (head.upgrade || !head.hasBody) req.end();
  else sink = new BodySink({ destination: req, writer, stream, window: init.window });

  return {
    onRequestBody(chunk) {
      if (!head.upgrade) init.observer?.requestBody?.(init.id, chunk);
      sink?.push(chunk);
    },
    onRequestEnd() {
      sink?.end();
    },
    onWindow(credit) {
      pump?.grant(credit);
    },
    onReset(code, message) {
      finish({ code, message });
      req.destroy();
    },
  };
}
