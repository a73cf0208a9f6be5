import type { IncomingMessage } from 'node:http';
import { type ErrorCode, isErrorCode } from '@hookline/protocol';

/** Codes after which retrying cannot succeed: the client stops and says why. */
export const NO_RETRY: ReadonlySet<ErrorCode> = new Set([
  'E_UNAUTHORIZED',
  'E_NAME_TAKEN',
  'E_NAME_INVALID',
  'E_VERSION',
  'E_BAD_REQUEST',
  'E_TOO_MANY_TUNNELS',
]);

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The relay's refusal of a WebSocket upgrade (`hookline-error` + message headers), or a generic one. */
export function refusalOf(res: IncomingMessage): { code: ErrorCode; message: string } {
  const header = res.headers['hookline-error'];
  const raw = res.headers['hookline-error-message'];
  return {
    code: isErrorCode(header) ? header : 'E_RELAY_UNREACHABLE',
    message: typeof raw === 'string' ? safeDecode(raw) : `relay answered HTTP ${res.statusCode}`,
  };
}
