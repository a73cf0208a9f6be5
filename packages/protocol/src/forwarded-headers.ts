import { stripHopByHop } from './headers.js';

export type HostHeaderMode = 'passthrough' | 'rewrite';

/** Where a request came from, as the relay saw it (a RequestHead or a capture of one). */
export interface ForwardedFrom {
  headers: readonly string[];
  remoteAddress: string;
  protocol: 'http' | 'https';
  host: string;
  upgrade?: boolean;
}

/**
 * The headers the local server sees, live or replayed: the caller's minus
 * hop-by-hop ones, plus `x-forwarded-for/-proto/-host` so apps can build absolute
 * URLs and log the real caller. `rewrite` swaps Host for the target's. With
 * `bodyLength` (a replay whose body may have been edited), Content-Length is set
 * to it, in the place the original had it.
 */
export function forwardedHeaders(
  from: ForwardedFrom,
  target: URL,
  hostMode: HostHeaderMode,
  bodyLength?: number,
): string[] {
  const out: string[] = [];
  let lengthSet = false;
  let forwardedFor: string | undefined;
  const incoming = stripHopByHop(from.headers, from.upgrade ?? false);
  for (let i = 0; i + 1 < incoming.length; i += 2) {
    const name = incoming[i] as string;
    const value = incoming[i + 1] as string;
    const lower = name.toLowerCase();
    if (lower === 'content-length' && bodyLength !== undefined) {
      if (!lengthSet) out.push(name, String(bodyLength));
      lengthSet = true;
    } else if (lower === 'x-forwarded-for') {
      forwardedFor = forwardedFor ? `${forwardedFor}, ${value}` : value;
    } else if (lower === 'x-forwarded-proto' || lower === 'x-forwarded-host') {
      // replaced below
    } else if (!(lower === 'host' && hostMode === 'rewrite')) {
      out.push(name, value);
    }
  }
  if (bodyLength !== undefined && !lengthSet && bodyLength > 0) out.push('Content-Length', String(bodyLength));
  if (hostMode === 'rewrite') out.push('Host', target.host);
  const caller = from.remoteAddress.replace(/^::ffff:/, '');
  if (caller || forwardedFor) out.push('X-Forwarded-For', [forwardedFor, caller].filter(Boolean).join(', '));
  out.push('X-Forwarded-Proto', from.protocol);
  if (from.host) out.push('X-Forwarded-Host', from.host);
  return out;
}
