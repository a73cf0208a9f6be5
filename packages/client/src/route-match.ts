import { getRawHeader, type RequestHead } from '@hookline/protocol';
import { detectScheme } from '@hookline/signatures';
import { EVENT_SOURCES, type EventProvider, type RouteMatch, underPrefix } from './routes.js';

/**
 * Event types longer than this never match: providers' are short (`invoice.payment_succeeded`),
 * and a glob tested against a long string chosen by a stranger costs more with every `*`.
 */
export const MAX_EVENT_TYPE_LENGTH = 200;

/** A request body as routing knows it: the bytes, not arrived yet, or too long to wait for. */
export type RoutingBody = Buffer | 'pending' | 'too-large';

/** Which route takes a request: an index into the list, none (the tunnel's own target), or wait for the body. */
export type RouteChoice = { kind: 'route'; index: number } | { kind: 'default' } | { kind: 'wait' };

/** Is this request from that provider at all (its own signature or event header)? */
function fromProvider(provider: EventProvider, headers: readonly string[]): boolean {
  switch (provider) {
    case 'github':
    case 'shopify':
      return getRawHeader(headers, EVENT_SOURCES[provider].header) !== undefined;
    case 'stripe':
    case 'standard':
      return detectScheme(headers)?.id === provider;
  }
}

/** The `type` string of a JSON object body, or null. */
function bodyType(body: Buffer): string | null {
  if (body[0] !== 0x7b /* { */) return null;
  try {
    const type = (JSON.parse(body.toString('utf8')) as { type?: unknown }).type;
    return typeof type === 'string' ? type : null;
  } catch {
    return null;
  }
}

/**
 * The route a request takes. Rules, in order; the first that matches wins:
 * - `default` matches everything; a path prefix matches on the head alone.
 * - an event route matches only requests from its provider (GitHub and Shopify
 *   by their event header; Stripe and Standard Webhooks by their signature
 *   header), on the event type: the header's value, or the JSON body's `type`.
 *   For a body type whose body has not arrived, the answer is `wait` — unless
 *   the body is too long to wait for, when that route is passed over (so path
 *   and default routes still apply).
 * No rule matching means the tunnel's own target.
 */
export function chooseRoute(rules: readonly RouteMatch[], head: RequestHead, body: RoutingBody): RouteChoice {
  for (const [index, rule] of rules.entries()) {
    switch (rule.kind) {
      case 'default':
        return { kind: 'route', index };
      case 'path':
        if (underPrefix(head.target, rule.prefix)) return { kind: 'route', index };
        continue;
      case 'event': {
        if (!fromProvider(rule.provider, head.headers)) continue;
        const source = EVENT_SOURCES[rule.provider];
        let type: string | null | undefined;
        if ('header' in source) type = getRawHeader(head.headers, source.header);
        else if (body === 'pending') return { kind: 'wait' };
        else type = body === 'too-large' ? null : bodyType(body);
        if (type && type.length <= MAX_EVENT_TYPE_LENGTH && rule.pattern.test(type)) return { kind: 'route', index };
      }
    }
  }
  return { kind: 'default' };
}
