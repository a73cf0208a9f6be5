import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '@hookline/protocol';
import type { ResolvedRelayOptions } from './options.js';
import { sendPublicError, writeSocketError } from './public-error.js';
import { answerBodyTooLarge } from './refuse-body.js';

/** Node server settings against slow and oversized senders, and coded answers to unparsable requests. */
export function applyServerLimits(server: Server, options: ResolvedRelayOptions): void {
  server.headersTimeout = options.headersTimeoutMs;
  server.requestTimeout = options.requestTimeoutMs;
  server.keepAliveTimeout = 5_000;
  // Counted in the tunnel finder with a clear 431; Node's own cap would silently drop the extra fields.
  server.maxHeadersCount = 0;
  // A request whose sender half-closes (FIN) right after it still gets its answer;
  // Node's default aborts the request and the caller gets nothing at all. A FIN
  // during a response is still a hang-up: see `cutOnHangUp`.
  (server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  // Node answers these three itself, bare (no code) or not at all (CONNECT): answer them here.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    // Refuse before the body is sent: no `100 Continue` for a body the relay would not take.
    if (declared > options.maxBodyBytes) {
      return answerBodyTooLarge(
        req,
        res,
        `request body of ${declared} bytes is over the ${options.maxBodyBytes}-byte limit`,
      );
    }
    res.writeContinue();
    server.emit('request', req, res);
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    res.shouldKeepAlive = false;
    sendPublicError(res, 'E_EXPECTATION_FAILED', `cannot meet "Expect: ${req.headers.expect}"; only 100-continue`);
    req.resume();
  });
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => {});
    writeSocketError(socket, 'E_METHOD_NOT_ALLOWED', 'CONNECT is not supported: the relay is not a proxy');
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    const [status, code, text] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? ['431 Request Header Fields Too Large', 'E_HEADERS_TOO_LARGE', 'request headers too large']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? ['408 Request Timeout', 'E_REQUEST_TIMEOUT', 'request not received in time']
          : ['400 Bad Request', 'E_BAD_REQUEST', 'malformed HTTP request'];
    const body = `${text} (${code})\n`;
    socket.end(
      `HTTP/1.1 ${status}\r\nhookline-error: ${code}\r\ncontent-type: text/plain\r\n` +
        `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}

/**
 * With half-open connections allowed, a caller that hangs up while its response
 * streams would go unnoticed until a write fails (never, for an idle stream):
 * a FIN once the response head is out ends the exchange. A FIN before it is a
 * sender done sending: it gets its answer.
 */
export function cutOnHangUp(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket;
  const onEnd = () => {
    if (res.headersSent && !res.writableEnded) socket.destroy();
  };
  socket.once('end', onEnd);
  res.once('close', () => socket.off('end', onEnd));
}

/**
 * What Node would refuse with a bare answer, checked here to answer with a code
 * (`requireHostHeader` is off for this): an HTTP/1.1 request without Host.
 */
function requestProblem(req: IncomingMessage): { code: ErrorCode; message: string } | null {
  if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && req.headers.host === undefined) {
    return { code: 'E_BAD_REQUEST', message: 'an HTTP/1.1 request needs a Host header' };
  }
  return null;
}

/** `requestProblem` answered on a response, or false when the request is fine. */
export function refuseBadRequest(req: IncomingMessage, res: ServerResponse): boolean {
  const problem = requestProblem(req);
  if (!problem) return false;
  res.shouldKeepAlive = false;
  sendPublicError(res, problem.code, problem.message);
  req.resume();
  return true;
}

/** Same on the raw socket of an upgrade request. */
export function refuseBadUpgrade(req: IncomingMessage, socket: Duplex): boolean {
  const problem = requestProblem(req);
  if (!problem) return false;
  socket.on('error', () => {});
  writeSocketError(socket, problem.code, problem.message);
  return true;
}

/** Node server options for the same limits (they must be set at construction). */
export function serverOptionsFor(options: ResolvedRelayOptions) {
  return {
    // Checked by `requestProblem`, which answers with a code instead of Node's bare 400.
    requireHostHeader: false,
    maxHeaderSize: options.maxHeaderBytes,
    // How often Node looks for slow senders (its default is 30 s).
    connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs),
  };
}
