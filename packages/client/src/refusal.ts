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
  // Another live client holds the name: retrying would flap between the two.
  'E_NAME_IN_USE',
  'E_TOO_MANY_NAMES',
]);

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export interface Refusal {
  code: ErrorCode;
  message: string;
  /** The relay said why (a `hookline-error` code), as opposed to some HTTP answer on the way. */
  coded: boolean;
  /** `Retry-After`, in ms (0 when absent). */
  retryAfterMs: number;
}

/** The relay's refusal of a WebSocket upgrade (`hookline-error` + message headers), or a generic one. */
export function refusalOf(res: IncomingMessage): Refusal {
  const header = res.headers['hookline-error'];
  const raw = res.headers['hookline-error-message'];
  const coded = isErrorCode(header);
  const retryAfter = Number(res.headers['retry-after'] ?? 0);
  const reason = typeof raw === 'string' ? safeDecode(raw) : `relay answered HTTP ${res.statusCode}`;
  return {
    code: coded ? header : 'E_RELAY_UNREACHABLE',
    // "refused", not "cannot reach": the relay answered, and this is what it said.
    message: coded ? `the relay refused: ${reason}` : reason,
    coded,
    retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 3600) * 1000 : 0,
  };
}
