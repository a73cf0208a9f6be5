import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_STATUS, type ErrorCode } from '@hookline/protocol';
import { answerOffline } from './offline-response.js';

/** The header that carries a stable error code to every public caller. */
export const ERROR_HEADER = 'hookline-error';

function errorBody(code: ErrorCode, message: string, json: boolean): { type: string; body: string } {
  if (json) return { type: 'application/json', body: `${JSON.stringify({ error: { code, message } })}\n` };
  return { type: 'text/plain; charset=utf-8', body: `${message} (${code})\n` };
}

/**
 * Answer a public caller with a coded error: status, `hookline-error` header and
 * a short body (JSON when the caller asked for it). Safe to call late: if the
 * head was already sent, the connection is cut instead so the caller sees a
 * truncated response, not a wrong one.
 */
export function sendPublicError(
  res: ServerResponse,
  code: ErrorCode,
  message: string,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // A tunnel that declared what callers get while it is offline: that, still coded.
  if (code === 'E_TUNNEL_OFFLINE' && answerOffline(res, { [ERROR_HEADER]: code })) return;
  const wantsJson = /application\/json/.test(res.req?.headers.accept ?? '');
  const { type, body } = errorBody(code, message, wantsJson);
  // setHeader, not writeHead's argument: logs and metrics read the code back with getHeader.
  res.setHeader(ERROR_HEADER, code);
  res.writeHead(ERROR_STATUS[code], {
    ...extraHeaders,
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** Same answer written on a raw socket (upgrade requests have no ServerResponse). */
export function writeSocketError(socket: Duplex, code: ErrorCode, message: string): void {
  if (socket.destroyed) return;
  const status = ERROR_STATUS[code];
  const { type, body } = errorBody(code, message, false);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${ERROR_HEADER}: ${code}\r\n` +
      `content-type: ${type}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
