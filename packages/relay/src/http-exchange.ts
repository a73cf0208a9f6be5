import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BodyPump,
  BodySink,
  type ErrorCode,
  FrameType,
  type RequestHead,
  type ResponseHead,
  stripHopByHop,
} from '@hookline/protocol';
import { sendPublicError } from './public-error.js';
import { answerBodyTooLarge } from './refuse-body.js';
import type { TunnelRoute } from './routing.js';
import type { RelayStream, TunnelSession } from './tunnel-session.js';

export interface ExchangeLimits {
  maxBodyBytes: number;
  streamWindow: number;
}

/** What the relay tells the client about where a request came from. */
export function requestHead(req: IncomingMessage, route: TunnelRoute, upgrade: boolean): RequestHead {
  const chunked = req.headers['transfer-encoding'] !== undefined;
  const length = req.headers['content-length'];
  return {
    method: req.method ?? 'GET',
    target: route.target,
    headers: stripHopByHop(req.rawHeaders, upgrade),
    remoteAddress: req.socket.remoteAddress ?? '',
    protocol: 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http',
    host: req.headers.host ?? '',
    upgrade,
    hasBody: !upgrade && (chunked || (length !== undefined && length !== '0')),
    receivedAt: Date.now(),
  };
}

/**
 * Forward one public HTTP request through a tunnel session, streaming on the
 * raw node request/response (no Web Request/Response on the hot path).
 */
export function forwardHttpExchange(
  session: TunnelSession,
  req: IncomingMessage,
  res: ServerResponse,
  route: TunnelRoute,
  limits: ExchangeLimits,
): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limits.maxBodyBytes) {
    answerBodyTooLarge(req, res, `request body of ${declared} bytes is over the ${limits.maxBodyBytes}-byte limit`);
    return;
  }
  const head = requestHead(req, route, false);
  let pump: BodyPump | null = null;
  let sink: BodySink | null = null;
  let done = false;

  const finish = (): void => {
    done = true;
    pump?.stop();
    sink?.close();
    session.finish(id);
  };

  const stream: RelayStream = {
    onResponseHead(response: ResponseHead) {
      if (res.headersSent) return;
      try {
        const headers = stripHopByHop(response.headers);
        if (response.statusText === undefined) res.writeHead(response.status, headers);
        else res.writeHead(response.status, response.statusText, headers);
        // Usually the body and end arrive in the same tunnel message and leave with
        // the head in one write (the microtask runs after the whole message); a
        // streaming response (SSE) must not wait for its first byte.
        queueMicrotask(() => {
          if (!res.writableEnded && !res.destroyed) res.flushHeaders();
        });
      } catch (error) {
        session.reset(id, 'E_PROTOCOL', 'response head was not valid HTTP');
        finish();
        // writeHead keeps what it was given before it threw; the error answer must not reuse it.
        res.statusMessage = '';
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        sendPublicError(res, 'E_PROTOCOL', `the tunnel sent an invalid response head: ${(error as Error).message}`);
        return;
      }
      sink = new BodySink({ destination: res, writer: session.writer, stream: id, window: limits.streamWindow });
    },
    onResponseBody(chunk) {
      sink?.push(chunk);
    },
    onResponseEnd() {
      if (!sink) {
        session.reset(id, 'E_PROTOCOL', 'response ended before its head');
        finish();
        sendPublicError(res, 'E_PROTOCOL', 'the tunnel ended a response before sending its head');
        return;
      }
      sink.end();
      finish();
    },
    onWindow(credit) {
      pump?.grant(credit);
    },
    onReset(code: ErrorCode, message: string) {
      finish();
      sendPublicError(res, code, message);
      if (!req.complete) req.resume();
    },
  };

  const opened = session.open(stream, head);
  if (opened === null) {
    sendPublicError(res, 'E_TOO_MANY_STREAMS', `tunnel ${route.name} has too many requests in flight`, {
      'retry-after': '1',
    });
    return;
  }
  const id: number = opened;

  if (head.hasBody) {
    let received = 0;
    const overLimit = (chunk: Buffer): void => {
      received += chunk.length;
      if (received <= limits.maxBodyBytes || done) return;
      session.reset(id, 'E_BODY_TOO_LARGE', 'request body over the limit');
      finish();
      answerBodyTooLarge(req, res, `request body is over the ${limits.maxBodyBytes}-byte limit`);
    };
    req.on('data', overLimit);
    pump = new BodyPump({
      source: req,
      writer: session.writer,
      stream: id,
      direction: 'request',
      window: limits.streamWindow,
      onError: () => {},
    });
  } else {
    session.writer.write({ type: FrameType.REQUEST_END, stream: id });
    req.resume();
  }

  // The caller went away before the response finished: stop the local side too.
  res.once('close', () => {
    if (done || res.writableFinished) return;
    session.reset(id, 'E_CANCELLED', 'the caller closed the connection');
    finish();
  });
}
