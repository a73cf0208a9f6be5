import { forwardedHeaders, type HostHeaderMode, type RequestHead } from '@hookline/protocol';

export type { HostHeaderMode };

/** What the local server sees for a live (or queued) exchange: see `forwardedHeaders`. */
export function forwardedRequestHeaders(head: RequestHead, target: URL, hostMode: HostHeaderMode): string[] {
  const headers = forwardedHeaders(head, target, hostMode);
  // Queued webhooks: the same id on every attempt lets the app deduplicate.
  if (head.delivery) {
    headers.push('Hookline-Delivery', head.delivery.id, 'Hookline-Attempt', String(head.delivery.attempt));
  }
  return headers;
}
