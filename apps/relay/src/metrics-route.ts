import { createHash, timingSafeEqual } from 'node:crypto';
import { ERROR_HEADER } from '@hookline/relay';
import type { Hono } from 'hono';
import type { RelayMetrics } from './relay-metrics.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * `GET /_hookline/metrics` for whoever holds the metrics token. Without a token
 * the route is not mounted at all: the public sees the same 404 as for any
 * unknown path, so nothing internal is reachable on the public port.
 */
export function mountMetricsRoute(app: Hono, metrics: RelayMetrics, token: string | null): void {
  if (token === null) return;
  // Digests of equal length make the comparison constant-time whatever is sent.
  const expected = digest(token);
  app.get('/_hookline/metrics', async (c) => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      c.header('www-authenticate', 'Bearer realm="hookline-metrics"');
      c.header(ERROR_HEADER, 'E_UNAUTHORIZED');
      return c.text('metrics need the metrics token (Authorization: Bearer …) (E_UNAUTHORIZED)\n', 401);
    }
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
  });
}
