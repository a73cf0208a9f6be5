import { type RequestHead, stripHopByHop } from '@hookline/protocol';

export type HostHeaderMode = 'passthrough' | 'rewrite';

/**
 * The headers the local server sees: the caller's, minus hop-by-hop ones, plus
 * `x-forwarded-for/-proto/-host` so apps can build absolute URLs and log the
 * real caller. `rewrite` swaps Host for the target's (for servers that check it).
 */
export function forwardedRequestHeaders(head: RequestHead, target: URL, hostMode: HostHeaderMode): string[] {
  const headers: string[] = [];
  let forwardedFor: string | undefined;
  const incoming = stripHopByHop(head.headers, head.upgrade);
  for (let i = 0; i + 1 < incoming.length; i += 2) {
    const value = incoming[i] as string;
    const headerValue = incoming[i + 1] as string;
    const name = value.toLowerCase();
    if (name === 'x-forwarded-for') {
      forwardedFor = forwardedFor ? `${forwardedFor}, ${headerValue}` : headerValue;
      continue;
    }
    if (name === 'x-forwarded-proto' || name === 'x-forwarded-host') continue;
    if (name === 'host' && hostMode === 'rewrite') continue;
    headers.push(value, headerValue);
  }
  if (hostMode === 'rewrite') headers.push('Host', target.host);
  const caller = head.remoteAddress.replace(/^::ffff:/, '');
  headers.push('X-Forwarded-For', forwardedFor ? `${forwardedFor}, ${caller}` : caller);
  headers.push('X-Forwarded-Proto', head.protocol);
  if (head.host) headers.push('X-Forwarded-Host', head.host);
  // Queued webhooks: the same id on every attempt lets the app deduplicate.
  if (head.delivery)
    headers.push('Hookline-Delivery', head.delivery.id, 'Hookline-Attempt', String(head.delivery.attempt));
  return headers;
}
