/** Where an ingress request goes: tunnel `name`, forwarded path `target`. */
export interface TunnelRoute {
  name: string;
  target: string;
}

export type RouteResult =
  | { kind: 'tunnel'; route: TunnelRoute }
  /** Not tunnel traffic: the relay's own routes (hono) answer. */
  | { kind: 'service' }
  | { kind: 'invalid'; message: string };

const PATH_PREFIX = '/t/';

/** Host header without port, lower-cased. IPv6 literals keep their brackets. */
export function hostName(host: string | undefined): string {
  if (!host) return '';
  const lower = host.toLowerCase();
  if (lower.startsWith('[')) return lower.slice(0, lower.indexOf(']') + 1);
  const colon = lower.indexOf(':');
  return colon === -1 ? lower : lower.slice(0, colon);
}

/**
 * The one place that decides which tunnel a request is for. Host routing
 * (`<name>.<domain>`) wins over path routing (`/t/<name>/…`); absolute-form
 * targets are refused so that routing and the forwarded Host can never disagree.
 */
export function routeRequest(url: string | undefined, host: string | undefined, domain?: string): RouteResult {
  if (url?.[0] !== '/') {
    return { kind: 'invalid', message: 'request target must be a path (origin-form), not an absolute URL' };
  }
  if (domain) {
    const name = hostName(host);
    if (name.endsWith(`.${domain}`)) {
      const label = name.slice(0, -(domain.length + 1));
      if (label === '' || label.includes('.')) return { kind: 'invalid', message: `no tunnel at host ${name}` };
      return { kind: 'tunnel', route: { name: label, target: url } };
    }
  }
  if (!url.startsWith(PATH_PREFIX)) return { kind: 'service' };
  const rest = url.slice(PATH_PREFIX.length);
  const end = rest.search(/[/?]/);
  const name = decodeName(end === -1 ? rest : rest.slice(0, end)).toLowerCase();
  let target = end === -1 ? '/' : rest.slice(end);
  if (target.startsWith('?')) target = `/${target}`;
  return { kind: 'tunnel', route: { name, target } };
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
