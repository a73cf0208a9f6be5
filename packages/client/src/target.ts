import { HooklineError } from '@hookline/protocol';

/**
 * The local target from what a user types: `3000`, `localhost:3000`,
 * `http://127.0.0.1:3000` or `https://localhost:8443`.
 */
export function parseTarget(input: string | number | URL): URL {
  if (input instanceof URL) return input;
  const text = String(input).trim();
  if (/^\d+$/.test(text)) return new URL(`http://localhost:${validPort(text)}`);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  if (!URL.canParse(withScheme)) throw new HooklineError('E_BAD_REQUEST', `not a port or URL: ${text}`);
  const url = new URL(withScheme);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HooklineError('E_BAD_REQUEST', `target must be http or https, not ${url.protocol}`);
  }
  if (url.port) validPort(url.port);
  return url;
}

/** The target's host as sockets and TLS want it: an IPv6 address without its URL brackets. */
export function targetHostname(target: URL): string {
  return target.hostname.replace(/^\[|\]$/g, '');
}

function validPort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new HooklineError('E_BAD_REQUEST', `port must be 1-65535, got ${text}`);
  }
  return port;
}

/** Normalise a relay address to its WebSocket tunnel endpoint. */
export function connectUrl(relay: string, query: Record<string, string | undefined>): URL {
  if (!URL.canParse(relay)) throw new HooklineError('E_BAD_REQUEST', `relay is not a URL: ${relay}`);
  const url = new URL(relay);
  const schemes: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };
  const scheme = schemes[url.protocol];
  if (!scheme) throw new HooklineError('E_BAD_REQUEST', `relay must be an http(s) or ws(s) URL, not ${url.protocol}`);
  url.protocol = scheme;
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/_hookline/connect`;
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
  return url;
}
