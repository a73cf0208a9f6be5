import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ResolvedRelayOptions } from './options.js';

/** Node server settings against slow and oversized senders, and coded answers to unparsable requests. */
export function applyServerLimits(server: Server, options: ResolvedRelayOptions): void {
  server.headersTimeout = options.headersTimeoutMs;
  server.requestTimeout = options.requestTimeoutMs;
  server.keepAliveTimeout = 5_000;
  // Counted in the tunnel finder with a clear 431; Node's own cap would silently drop the extra fields.
  server.maxHeadersCount = 0;
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

/** Node server options for the same limits (they must be set at construction). */
export function serverOptionsFor(options: ResolvedRelayOptions) {
  return {
    maxHeaderSize: options.maxHeaderBytes,
    // How often Node looks for slow senders (its default is 30 s).
    connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs),
  };
}
