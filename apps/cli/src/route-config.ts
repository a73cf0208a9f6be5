import { parseRouteFlag, parseRouteMatch, parseTarget, type TunnelRoute } from '@hookline/client';
import { HooklineError } from '@hookline/protocol';
import { checkTargetArg } from './commands/target-arg.js';
import { UserError } from './user-error.js';

/** A route in hookline.json: `"/stripe=3000"`, or an object with its own timeout and Host mode. */
interface FileRoute {
  match?: unknown;
  target?: unknown;
  /** Seconds, as `--timeout`. */
  timeout?: unknown;
  hostHeader?: unknown;
}

function checked(route: TunnelRoute, where: string): TunnelRoute {
  try {
    parseRouteMatch(route.match);
  } catch (error) {
    // The message names the route: `route "…": why`.
    if (error instanceof HooklineError) throw new UserError(`${where}: ${error.message}`);
    throw error;
  }
  try {
    checkTargetArg(String(route.target));
    parseTarget(route.target);
  } catch (error) {
    if (error instanceof HooklineError || error instanceof UserError) {
      throw new UserError(`${where}: route "${route.match}": ${error.message}`);
    }
    throw error;
  }
  return route;
}

function fromFile(value: unknown, where: string): TunnelRoute {
  if (typeof value === 'string') return checked(parseFlag(value, where), where);
  const route = (typeof value === 'object' && value !== null ? value : {}) as FileRoute;
  if (typeof route.match !== 'string' || typeof route.target !== 'string') {
    throw new UserError(`${where}: a route is "<match>=<target>" or {"match": "…", "target": "…"}`);
  }
  const out: TunnelRoute = { match: route.match, target: route.target };
  if (route.timeout !== undefined) {
    if (typeof route.timeout !== 'number' || !(route.timeout > 0)) {
      throw new UserError(`${where}: "timeout" must be a positive number of seconds`);
    }
    out.timeoutMs = route.timeout * 1000;
  }
  if (route.hostHeader !== undefined) {
    if (route.hostHeader !== 'passthrough' && route.hostHeader !== 'rewrite') {
      throw new UserError(`${where}: "hostHeader" must be "passthrough" or "rewrite"`);
    }
    out.hostHeader = route.hostHeader;
  }
  return checked(out, where);
}

function parseFlag(text: string, where: string): TunnelRoute {
  try {
    return parseRouteFlag(text);
  } catch (error) {
    if (error instanceof HooklineError) throw new UserError(`${where}: ${error.message}`);
    throw error;
  }
}

/**
 * The tunnel's routes: every `--route <match>=<target>` in order, else the
 * `"routes"` list of hookline.json. A bad one is a user error naming it.
 */
export function resolveRoutes(
  flags: readonly string[] | undefined,
  file: readonly unknown[] | undefined,
): TunnelRoute[] {
  if (flags && flags.length > 0) return flags.map((text) => checked(parseFlag(text, '--route'), '--route'));
  return (file ?? []).map((value, index) => fromFile(value, `hookline.json "routes"[${index}]`));
}
