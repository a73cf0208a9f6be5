import type { HandshakeProvider } from './handshake.js';

/** A sender's origin: a host name (the spec's examples), at most a DNS name long. */
const ORIGIN = /^[A-Za-z0-9._:-]{1,253}$/;
const RATE = /^[1-9][0-9]{0,8}$/;

/**
 * CloudEvents HTTP webhook abuse protection (spec §4): an `OPTIONS` with
 * `WebHook-Request-Origin` asks permission to send; the answer grants it with
 * `WebHook-Allowed-Origin` (the origin) and `WebHook-Allowed-Rate` (the rate it
 * asked for with `WebHook-Request-Rate`, else `*`). Answered at once: the
 * callback form (`WebHook-Request-Callback`) is for receivers that cannot.
 */
export const cloudEventsHandshake: HandshakeProvider = {
  kind: 'cloudevents',
  readsBody: false,
  matchesHead: (method, headers) => method === 'OPTIONS' && headers['webhook-request-origin'] !== undefined,
  answer({ headers }) {
    const origin = headers['webhook-request-origin'];
    if (typeof origin !== 'string') return null;
    if (!ORIGIN.test(origin)) {
      return { refuse: 'WebHook-Request-Origin must be a host name (letters, digits, ".", "-", ":"; ≤ 253)' };
    }
    const asked = headers['webhook-request-rate'];
    const rate = typeof asked === 'string' && RATE.test(asked) ? asked : '*';
    return {
      answer: {
        status: 200,
        headers: { allow: 'POST, OPTIONS', 'webhook-allowed-origin': origin, 'webhook-allowed-rate': rate },
        body: '',
      },
    };
  },
};
