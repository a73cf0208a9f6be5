import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ERROR_HEADER, type TokenCheckGuard } from '@hookline/relay';
import type { Context, Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import type { RelayMetrics } from './relay-metrics.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

const REALM = 'Bearer realm="hookline-metrics"';

const incoming = (c: Context) => (c.env as { incoming: IncomingMessage }).incoming;

/**
 * `GET /_hookline/metrics` for whoever holds the metrics token. Without a token
 * the route is not mounted at all: the public sees the same 404 as for any
 * unknown path, so nothing internal is reachable on the public port.
 */
export function mountMetricsRoute(
  app: Hono,
  metrics: RelayMetrics,
  token: string | null,
  /** The relay's failed-token limiter: guessing the metrics token costs like guessing any other. */
  guard: TokenCheckGuard,
): void {
  if (token === null) return;
  // Digests of equal length make the comparison constant-time whatever is sent.
  const expected = digest(token);
  /** One answer for a missing, malformed or wrong token, each counted as a failed check. */
  const refuse = async (c: Context) => {
    await guard.record(incoming(c), false);
    return new Response('metrics need the metrics token (Authorization: Bearer …) (E_UNAUTHORIZED)\n', {
      status: 401,
      headers: { 'www-authenticate': REALM, [ERROR_HEADER]: 'E_UNAUTHORIZED', 'content-type': 'text/plain' },
    });
  };
  app.get(
    '/_hookline/metrics',
    async (c, next) => {
      const limited = await guard.check(incoming(c));
      if (!limited) return next();
      c.header(ERROR_HEADER, limited.code);
      c.header('retry-after', String(limited.retryAfterSeconds));
      return c.text(`${limited.message} (${limited.code})\n`, 429);
    },
    bearerAuth({
      verifyToken: async (given, c) => {
        const ok = timingSafeEqual(digest(given), expected);
        // A wrong token is recorded by `refuse`: here only the success.
        if (ok) await guard.record(incoming(c), true);
        return ok;
      },
      noAuthenticationHeader: { message: refuse },
      invalidAuthenticationHeader: { message: refuse },
      invalidToken: { message: refuse },
    }),
    async (c) => {
      const body = await metrics.registry.metrics();
      return c.body(body, 200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
    },
  );
}
