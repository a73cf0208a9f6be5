import type { RequestHead } from '@hookline/protocol';

/** A plain webhook's request head, as the relay stores it in a queue (store tests, fixtures). */
export function sampleRequestHead(target: string, overrides: Partial<RequestHead> = {}): RequestHead {
  return {
    method: 'POST',
    target,
    headers: ['content-type', 'text/plain'],
    remoteAddress: '127.0.0.1',
    protocol: 'http',
    host: 'relay',
    upgrade: false,
    hasBody: true,
    receivedAt: Date.now(),
    ...overrides,
  };
}
