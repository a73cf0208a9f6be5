import { HooklineError } from '@hookline/protocol';
import type { HostHeaderMode } from './forward-headers.js';

/** Providers whose event type a route can match, and where that type is read. */
export const EVENT_SOURCES = {
  /** `X-GitHub-Event: pull_request`. */
  github: { header: 'x-github-event' },
  /** `X-Shopify-Topic: orders/create`. */
  shopify: { header: 'x-shopify-topic' },
  /** The JSON body's `type` (`invoice.paid`), on a request with `Stripe-Signature`. */
  stripe: { body: 'type' },
  /** The JSON body's `type`, on a request with `webhook-signature` (or `svix-signature`). */
  standard: { body: 'type' },
} as const;

export type EventProvider = keyof typeof EVENT_SOURCES;

/** What a route matches, parsed once. */
export type RouteMatch =
  | { kind: 'default' }
  | { kind: 'path'; prefix: string }
  | { kind: 'event'; provider: EventProvider; pattern: RegExp; text: string };

/** One route of a tunnel: requests it matches go to its own target. */
export interface TunnelRoute {
  /**
   * `/stripe` (a path prefix: `/stripe`, `/stripe/…`, `/stripe?…`), `default`
   * (everything), or `<provider>:<event type>` with `*` for any characters:
   * `stripe:invoice.*`, `github:pull_request`, `standard:user.created`
   * (`svix:` too), `shopify:orders/*`.
   */
  match: string;
  /**
   * A port, `host:port` or URL. With a path (`http://127.0.0.1:4000/hooks`) the path
   * replaces the matched prefix, as nginx's `proxy_pass` with a URI does:
   * `/github/push` → `/hooks/push`. Without one the path goes on unchanged.
   */
  target: string | number | URL;
  /** No response head within this → 504. @default the tunnel's `localTimeoutMs` */
  timeoutMs?: number;
  /** @default the tunnel's `hostHeader` */
  hostHeader?: HostHeaderMode;
}

const ALIASES: Record<string, EventProvider> = { svix: 'standard', standardwebhooks: 'standard' };
/** An event type as providers spell them: `invoice.paid`, `pull_request`, `orders/create`. */
const EVENT_PATTERN = /^[\w.*/-]{1,200}$/;

function bad(text: string, why: string): HooklineError {
  return new HooklineError('E_BAD_REQUEST', `route "${text}": ${why}`);
}

/** Parse a route's `match`; a bad one is an error naming it. */
export function parseRouteMatch(text: string): RouteMatch {
  const match = text.trim();
  if (match === 'default') return { kind: 'default' };
  if (match.startsWith('/')) {
    if (/[\s?#]/.test(match)) throw bad(text, 'a path prefix holds no spaces, ? or #');
    // `/stripe/` and `/stripe` mean the same prefix; `/` alone matches every path.
    return { kind: 'path', prefix: match.length > 1 ? match.replace(/\/+$/, '') : '/' };
  }
  const colon = match.indexOf(':');
  if (colon > 0) {
    const name = match.slice(0, colon).toLowerCase();
    const provider = (name in EVENT_SOURCES ? name : ALIASES[name]) as EventProvider | undefined;
    const type = match.slice(colon + 1);
    if (!provider)
      throw bad(text, `event routes know ${Object.keys(EVENT_SOURCES).join(', ')} (or svix), not "${name}"`);
    if (!EVENT_PATTERN.test(type)) throw bad(text, 'the event type is letters, digits, _ . / - and * for any');
    // `**` is `*`: fewer wildcards, less backtracking.
    const source = type
      .replace(/\*+/g, '*')
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'));
    return { kind: 'event', provider, pattern: new RegExp(`^${source.join('.*')}$`), text: match };
  }
  throw bad(text, 'match a path (/stripe), an event (stripe:invoice.*) or default');
}

/** `--route /stripe=3000`: match and target around the first `=`. */
export function parseRouteFlag(text: string): TunnelRoute {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) throw bad(text, 'write <match>=<target>, e.g. /stripe=3000');
  const route = { match: text.slice(0, eq), target: text.slice(eq + 1) };
  parseRouteMatch(route.match);
  return route;
}

/** Does a path (with its query) fall under a prefix? */
export function underPrefix(path: string, prefix: string): boolean {
  if (prefix === '/') return true;
  if (!path.startsWith(prefix)) return false;
  const next = path.charAt(prefix.length);
  return next === '' || next === '/' || next === '?';
}

/** The path sent to a route's target: its own path replaces the matched prefix (when it has one). */
export function forwardPath(path: string, match: RouteMatch, target: URL): string {
  const base = target.pathname.replace(/\/+$/, '');
  if (base === '') return path;
  const rest = match.kind === 'path' && match.prefix !== '/' ? path.slice(match.prefix.length) : path;
  return `${base}${rest.startsWith('/') || rest.startsWith('?') || rest === '' ? rest : `/${rest}`}` || '/';
}
