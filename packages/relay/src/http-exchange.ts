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
import { judgeResponseHead, ResponseBodyFraming } from './response-framing.js';
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
    // Only when it differs, so host-routed heads stay as small as before.
    ...(req.url && req.url !== route.target ? { publicPath: req.url } : {}),
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
  /** Set once the final head is written: holds the client's bytes to its declared length. */
  let body: ResponseBodyFraming | null = null;
  /** The caller's response is whole and ended; nothing the client sends now can touch it. */
  let answered = false;
  let done = false;

  const finish = (): void => {
    done = true;
    pump?.stop();
    sink?.close();
    session.finish(id);
  };
  /** The client broke framing: reset its stream, and cut the caller's connection unless its answer is whole. */
  const refuse = (message: string): void => {
    session.reset(id, 'E_BAD_RESPONSE', message);
    finish();
    if (!req.complete) req.resume();
    if (answered) return;
    sendPublicError(res, 'E_BAD_RESPONSE', `the tunnel sent an unusable response: ${message}`);
  };
  const complete = (): void => {
    answered = true;
    sink?.end();
  };

  const stream: RelayStream = {
    onResponseHead(response: ResponseHead) {
      if (body) return refuse('a second final response head');
      const verdict = judgeResponseHead(response, { method: head.method, upgrade: false });
      if (verdict.kind === 'interim') return earlyHints(req, res, verdict.hints);
      if (verdict.kind !== 'final') return refuse(verdict.kind === 'refuse' ? verdict.message : 'unexpected 101');
      try {
        // Node's own backstop: a write past the declared length throws instead of reaching the wire.
        res.strictContentLength = true;
        if (verdict.statusText === undefined) res.writeHead(verdict.status, verdict.headers);
        else res.writeHead(verdict.status, verdict.statusText, verdict.headers);
      } catch (error) {
        // writeHead keeps what it was given before it threw; the error answer must not reuse it.
        res.statusMessage = '';
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        return refuse(`invalid response head: ${(error as Error).message}`);
      }
      body = new ResponseBodyFraming(verdict.length);
      sink = new BodySink({ destination: res, writer: session.writer, stream: id, window: limits.streamWindow });
      if (body.complete) return complete();
      // Usually the body and end arrive in the same tunnel message and leave with
      // the head in one write (the microtask runs after the whole message); a
      // streaming response (SSE) must not wait for its first byte.
      queueMicrotask(() => {
        if (!res.writableEnded && !res.destroyed) res.flushHeaders();
      });
    },
    onResponseBody(chunk) {
      if (!body || !sink) return refuse('response body before its head');
      const step = body.take(chunk);
      if (step.write) sink.push(step.write);
      if (step.complete && !answered) complete();
      if (step.overrun) refuse('response body longer than its Content-Length');
    },
    onResponseEnd() {
      if (!body || !sink) return refuse('response ended before its head');
      if (!body.whole()) {
        // Fewer bytes than declared: the caller must neither wait for nor reuse a body that never comes.
        finish();
        res.destroy();
        return;
      }
      if (!answered) complete();
      finish();
    },
    onWindow(credit) {
      pump?.grant(credit);
    },
    onReset(code: ErrorCode, message: string) {
      finish();
      if (!req.complete) req.resume();
      // A whole answer stays whole: cutting its connection now could hit another
      // exchange that a keep-alive proxy already sent on it.
      if (!answered) sendPublicError(res, code, message);
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
    if (done) return;
    // Whole before the client's END: forget the stream; its late frames are dropped.
    if (answered) return finish();
    if (res.writableFinished) return;
    session.reset(id, 'E_CANCELLED', 'the caller closed the connection');
    finish();
  });
}

/** A 103's Link values go out as Early Hints to an HTTP/1.1 caller; every other 1xx is dropped. */
function earlyHints(req: IncomingMessage, res: ServerResponse, hints: string[]): void {
  if (hints.length === 0 || req.httpVersionMinor < 1 || res.headersSent || res.destroyed) return;
  try {
    res.writeEarlyHints({ link: hints });
  } catch {
    // Node refuses Link values it cannot vouch for; the hint is optional, the answer is not.
  }
}
