import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { BodyPump, BodySink, type ErrorCode, type ResponseHead, stripHopByHop } from '@hookline/protocol';
import type { ExchangeLimits } from './http-exchange.js';
import { requestHead } from './http-exchange.js';
import { writeSocketError } from './public-error.js';
import type { TunnelRoute } from './routing.js';
import type { RelayStream, TunnelSession } from './tunnel-session.js';

function rawResponseHead(head: ResponseHead, keepUpgrade: boolean): string {
  const headers = stripHopByHop(head.headers, keepUpgrade);
  let text = `HTTP/1.1 ${head.status} ${head.statusText ?? STATUS_CODES[head.status] ?? ''}\r\n`;
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
      upgraded = head.status === 101;
      socket.write(rawResponseHead(head, upgraded));
      sink = new BodySink({ destination: socket, writer: session.writer, stream: id, window: limits.streamWindow });
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
      sink?.push(chunk);
    },
    onResponseEnd() {
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
