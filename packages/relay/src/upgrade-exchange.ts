import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { BodyPump, BodySink, type ErrorCode } from '@hookline/protocol';
import type { ExchangeLimits } from './http-exchange.js';
import { requestHead } from './http-exchange.js';
import { writeSocketError } from './public-error.js';
import { judgeResponseHead, ResponseBodyFraming } from './response-framing.js';
import type { TunnelRoute } from './routing.js';
import type { RelayStream, TunnelSession } from './tunnel-session.js';

function rawResponseHead(
  status: number,
  statusText: string | undefined,
  headers: string[],
  keepUpgrade: boolean,
): string {
  let text = `HTTP/1.1 ${status} ${statusText ?? STATUS_CODES[status] ?? ''}\r\n`;
  for (let i = 0; i + 1 < headers.length; i += 2) text += `${headers[i]}: ${headers[i + 1]}\r\n`;
  // A refused upgrade has no framing we can trust here: delimit its body by close.
  if (!keepUpgrade) text += 'connection: close\r\n';
  return `${text}\r\n`;
}

/**
 * Carry an upgrade request (a dev server's HMR WebSocket, say) through the
 * tunnel. After the local 101 the stream is a plain byte pipe both ways, so any
 * upgraded protocol works, not only WebSocket.
 */
export function forwardUpgrade(
  session: TunnelSession,
  req: IncomingMessage,
  socket: Duplex,
  firstBytes: Buffer,
  route: TunnelRoute,
  limits: ExchangeLimits,
): void {
  let pump: BodyPump | null = null;
  let sink: BodySink | null = null;
  let upgraded = false;
  /** A refused upgrade's body, held to its declared length like any response (response-framing.ts). */
  let body: ResponseBodyFraming | null = null;
  let done = false;

  const finish = (): void => {
    if (done) return;
    done = true;
    pump?.stop();
    sink?.close();
    session.finish(id);
  };

  const stream: RelayStream = {
    onResponseHead(head) {
      if (sink) return;
      const verdict = judgeResponseHead(head, { method: req.method ?? 'GET', upgrade: true });
      // 1xx before the answer: a raw socket gets no interim heads (the caller waits for the real one).
      if (verdict.kind === 'interim') return;
      if (verdict.kind === 'refuse') {
        session.reset(id, 'E_BAD_RESPONSE', verdict.message);
        finish();
        writeSocketError(socket, 'E_BAD_RESPONSE', `the tunnel sent an unusable response: ${verdict.message}`);
        return;
      }
      upgraded = verdict.kind === 'upgrade';
      if (verdict.kind === 'final') {
        body = new ResponseBodyFraming(verdict.length);
        socket.write(rawResponseHead(verdict.status, verdict.statusText, verdict.headers, false));
      } else {
        socket.write(rawResponseHead(101, head.statusText, verdict.headers, true));
      }
      sink = new BodySink({ destination: socket, writer: session.writer, stream: id, window: limits.streamWindow });
      if (body?.complete) sink.end();
      if (!upgraded) return;
      if (firstBytes.length > 0) socket.unshift(firstBytes);
      pump = new BodyPump({
        source: socket,
        writer: session.writer,
        stream: id,
        direction: 'request',
        window: limits.streamWindow,
        onError: () => {},
      });
    },
    onResponseBody(chunk) {
      if (!body) return void sink?.push(chunk);
      const step = body.take(chunk);
      if (step.write) sink?.push(step.write);
      if (step.complete) sink?.end();
      if (step.overrun) {
        session.reset(id, 'E_BAD_RESPONSE', 'response body longer than its Content-Length');
        finish();
      }
    },
    onResponseEnd() {
      if (body && !body.whole()) {
        finish();
        socket.destroy();
        return;
      }
      // Half-close: the local side is done sending; the caller may still send.
      sink?.end();
      if (!upgraded) finish();
    },
    onWindow(credit) {
      pump?.grant(credit);
    },
    onReset(code: ErrorCode, message: string) {
      finish();
      if (sink) socket.destroy();
      else writeSocketError(socket, code, message);
    },
  };

  const opened = session.open(stream, requestHead(req, route, true));
  if (opened === null) {
    writeSocketError(socket, 'E_TOO_MANY_STREAMS', `tunnel ${route.name} has too many requests in flight`);
    return;
  }
  const id: number = opened;
  socket.on('error', () => {});
  socket.once('close', () => {
    if (done) return;
    session.reset(id, 'E_CANCELLED', 'the caller closed the connection');
    finish();
  });
}
