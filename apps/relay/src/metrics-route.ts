import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ERROR_HEADER, type TokenCheckGuard } from '@hookline/relay';
import type { Hono } from 'hono';
import type { RelayMetrics } from './relay-metrics.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

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
  app.get('/_hookline/metrics', async (c) => {
    const req = (c.env as { incoming: IncomingMessage }).incoming;
    const limited = await guard.check(req);
    if (limited) {
      c.header(ERROR_HEADER, limited.code);
      c.header('retry-after', String(limited.retryAfterSeconds));
      return c.text(`${limited.message} (${limited.code})\n`, 429);
    }
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const ok = match?.[1] !== undefined && timingSafeEqual(digest(match[1]), expected);
    await guard.record(req, ok);
    if (!ok) {
      c.header('www-authenticate', 'Bearer realm="hookline-metrics"');
      c.header(ERROR_HEADER, 'E_UNAUTHORIZED');
      return c.text('metrics need the metrics token (Authorization: Bearer …) (E_UNAUTHORIZED)\n', 401);
    }
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
  });
}
