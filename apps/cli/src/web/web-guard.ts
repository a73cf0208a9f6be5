import type { MiddlewareHandler } from 'hono';
import { WebError } from './web-errors.js';
import { secretMatches } from './web-secret.js';

export interface GuardOptions {
  /** The port the inspector listens on (known once it listens). */
  port: () => number;
  secret: string;
}

/** The names this loopback server answers to: any other Host is a DNS-rebinding page's name for 127.0.0.1. */
function ownHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

function bearer(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer ([A-Za-z0-9_-]{1,128})$/.exec(header);
  return match?.[1];
}

/**
 * Every request, before routing:
 * - `Host` must be `127.0.0.1:<port>` or `localhost:<port>` (403 `E_BAD_HOST`):
 *   a page on evil.example whose name re-resolves to 127.0.0.1 sends its own name.
 * - `Origin`, when sent, must be the inspector's own (403 `E_BAD_ORIGIN`), and a
 *   browser's `Sec-Fetch-Site: cross-site` is refused too: no other site's page
 *   may post a replay, even one it cannot read the answer of.
 * - `/api/` needs `Authorization: Bearer <secret>` (401 `E_UNAUTHORIZED`), compared
 *   in constant time. The page itself is public: it holds no data, and learns the
 *   secret from the URL fragment, which browsers never send to a server.
 */
export function inspectorGuard(options: GuardOptions): MiddlewareHandler {
  return async (c, next) => {
    const hosts = ownHosts(options.port());
    const host = c.req.header('host')?.toLowerCase();
    if (host === undefined || !hosts.includes(host)) {
      throw new WebError(403, 'E_BAD_HOST', `the inspector answers only to ${hosts.join(' or ')}`);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !hosts.some((own) => origin === `http://${own}`)) {
      throw new WebError(403, 'E_BAD_ORIGIN', `requests from ${origin} are refused: only the inspector's own page`);
    }
    if (c.req.header('sec-fetch-site') === 'cross-site') {
      throw new WebError(403, 'E_BAD_ORIGIN', 'cross-site requests are refused');
    }
    if (c.req.path.startsWith('/api/') && !secretMatches(bearer(c.req.header('authorization')), options.secret)) {
      throw new WebError(401, 'E_UNAUTHORIZED', 'missing or wrong inspector secret (the part after # in its URL)');
    }
    await next();
  };
}
