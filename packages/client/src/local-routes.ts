import { getRawHeader, HooklineError } from '@hookline/protocol';
import type { ClientStream, LocalExchangeInit } from './exchange-lifecycle.js';
import type { HostHeaderMode } from './forward-headers.js';
import { type LocalTransport, startLocalExchange } from './local-exchange.js';
import { openLocalTransport } from './local-transport.js';
import { RouteHold } from './route-hold.js';
import { chooseRoute, type RouteChoice } from './route-match.js';
import { forwardPath, parseRouteMatch, type RouteMatch, type TunnelRoute } from './routes.js';
import { parseTarget } from './target.js';

interface LocalRoute {
  match: RouteMatch | null;
  /** The route as written (`/stripe`, `stripe:invoice.*`); null for the tunnel's own target. */
  label: string | null;
  target: URL;
  timeoutMs: number;
  hostHeader: HostHeaderMode;
  transport: LocalTransport;
}

/** What an exchange needs before its route is known. */
export type UnroutedInit = Omit<LocalExchangeInit, 'target' | 'forwardPath' | 'hostHeader' | 'timeoutMs' | 'route'>;

const EMPTY = Buffer.alloc(0);
/** Routes a tunnel may have: each is tried in turn for every request. */
export const MAX_ROUTES = 64;

/**
 * A tunnel's local targets: its own, and one per route, each with its own
 * keep-alive pool (one per origin: two routes to one server share it), timeout
 * and Host header mode. Routes are checked when the tunnel is built, so a bad
 * one is an error before anything connects.
 */
export class LocalRoutes {
  readonly #main: LocalRoute;
  readonly #routes: LocalRoute[];
  readonly #rules: RouteMatch[];
  readonly #transports = new Map<string, ReturnType<typeof openLocalTransport>>();

  constructor(
    main: { target: URL; timeoutMs: number; hostHeader: HostHeaderMode },
    routes: readonly TunnelRoute[],
    maxSockets: number,
  ) {
    const transport = (target: URL) => {
      let open = this.#transports.get(target.origin);
      if (!open) {
        open = openLocalTransport(target, maxSockets);
        this.#transports.set(target.origin, open);
      }
      return open;
    };
    if (routes.length > MAX_ROUTES) {
      throw new HooklineError('E_BAD_REQUEST', `at most ${MAX_ROUTES} routes, not ${routes.length}`);
    }
    // Every route is checked before any pool opens: a bad one leaves nothing behind.
    const resolved = routes.map((route) => {
      const match = parseRouteMatch(route.match);
      const target = parseTarget(route.target);
      const timeoutMs = route.timeoutMs ?? main.timeoutMs;
      if (!(timeoutMs > 0)) throw new HooklineError('E_BAD_REQUEST', `route "${route.match}": timeout must be > 0`);
      return { match, label: route.match.trim(), target, timeoutMs, hostHeader: route.hostHeader ?? main.hostHeader };
    });
    this.#main = { match: null, label: null, ...main, transport: transport(main.target) };
    this.#routes = resolved.map((route) => ({ ...route, transport: transport(route.target) }));
    this.#rules = this.#routes.map((route) => route.match as RouteMatch);
  }

  /**
   * Start one exchange on its route. A route that depends on the body's event
   * type waits for the body (at most one stream window, see `RouteHold`).
   */
  start(init: UnroutedInit): ClientStream {
    const { head } = init;
    if (this.#routes.length === 0) return this.#begin(this.#main, init);
    const body = head.hasBody && !head.upgrade ? 'pending' : EMPTY;
    const first = chooseRoute(this.#rules, head, head.upgrade ? 'too-large' : body);
    if (first.kind !== 'wait') return this.#begin(this.#pick(first), init);
    const declared = Number(getRawHeader(head.headers, 'content-length') ?? Number.NaN);
    if (declared >= init.window) return this.#begin(this.#pick(chooseRoute(this.#rules, head, 'too-large')), init);
    return new RouteHold(init.window, (held) => this.#begin(this.#pick(chooseRoute(this.#rules, head, held)), init));
  }

  destroy(): void {
    for (const transport of this.#transports.values()) transport.destroy();
  }

  #pick(choice: RouteChoice): LocalRoute {
    return choice.kind === 'route' ? (this.#routes[choice.index] ?? this.#main) : this.#main;
  }

  /**
   * `init` is this exchange's own object (the tunnel builds one per request), so the
   * route's fields are set on it, not spread into a copy: a spread of its dozen
   * fields was 3–4 % of the forwarding thread's time at c=32.
   */
  #begin(route: LocalRoute, init: UnroutedInit): ClientStream {
    const routed = init as LocalExchangeInit;
    routed.target = route.target;
    routed.hostHeader = route.hostHeader;
    routed.timeoutMs = route.timeoutMs;
    routed.route = route.label;
    if (route.match) routed.forwardPath = forwardPath(init.head.target, route.match, route.target);
    return startLocalExchange(routed, route.transport);
  }
}
