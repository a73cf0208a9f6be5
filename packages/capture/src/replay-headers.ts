import { forwardedHeaders, type HostHeaderMode } from '@hookline/protocol';
import type { CapturedRequest } from './types.js';

/** Host header mode, as for live forwarding. */
export type ReplayHostHeader = HostHeaderMode;

/**
 * The header list a replay sends: the captured one as the caller sent it, minus
 * hop-by-hop headers, with Content-Length set to the body actually sent (in the
 * place the original had it) and the same `X-Forwarded-*` a live forward adds, so
 * the local server cannot tell a replay from the original delivery.
 */
export function replayHeaders(
  request: Pick<CapturedRequest, 'headers' | 'remoteAddress' | 'protocol' | 'host'>,
  bodyLength: number,
  target: URL,
  hostHeader: ReplayHostHeader,
): string[] {
  return forwardedHeaders(request, target, hostHeader, bodyLength);
}
