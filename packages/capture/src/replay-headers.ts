import { stripHopByHop } from '@hookline/protocol';
import type { CapturedRequest } from './types.js';

/** Host header mode, as for live forwarding. */
export type ReplayHostHeader = 'passthrough' | 'rewrite';

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
  const out: string[] = [];
  let lengthSet = false;
  let forwardedFor: string | undefined;
  const incoming = stripHopByHop(request.headers);
  for (let i = 0; i + 1 < incoming.length; i += 2) {
    const name = incoming[i] as string;
    const value = incoming[i + 1] as string;
    const lower = name.toLowerCase();
    if (lower === 'content-length') {
      if (!lengthSet) out.push(name, String(bodyLength));
      lengthSet = true;
    } else if (lower === 'x-forwarded-for') {
      forwardedFor = forwardedFor ? `${forwardedFor}, ${value}` : value;
    } else if (lower === 'x-forwarded-proto' || lower === 'x-forwarded-host') {
      // replaced below, as live forwarding does
    } else if (!(lower === 'host' && hostHeader === 'rewrite')) {
      out.push(name, value);
    }
  }
  if (!lengthSet && bodyLength > 0) out.push('Content-Length', String(bodyLength));
  if (hostHeader === 'rewrite') out.push('Host', target.host);
  const caller = request.remoteAddress.replace(/^::ffff:/, '');
  if (caller || forwardedFor) {
    out.push('X-Forwarded-For', [forwardedFor, caller].filter(Boolean).join(', '));
  }
  out.push('X-Forwarded-Proto', request.protocol);
  if (request.host) out.push('X-Forwarded-Host', request.host);
  return out;
}
