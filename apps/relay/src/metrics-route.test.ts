import { AuthGuard, ERROR_HEADER, type ExchangeRecord } from '@hookline/relay';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { mountMetricsRoute } from './metrics-route.js';
import { createRelayMetrics } from './relay-metrics.js';

const TOKEN = 'metrics-token-0123456789';

const record = (overrides: Partial<ExchangeRecord> = {}): ExchangeRecord => ({
  requestId: 'r1',
  tunnel: 'shop',
  method: 'POST',
  status: 200,
  code: null,
  durationMs: 12,
  bytesIn: 100,
  bytesOut: 40,
  queued: false,
  ...overrides,
});

/** What the route reads of node's request (app.request has none): the caller's address. */
const fromCaller = { incoming: { socket: { remoteAddress: '203.0.113.7' }, headers: {} } };

function appWith(token: string | null, perAddressPerMinute = 20) {
  const metrics = createRelayMetrics();
  const app = new Hono();
  const guard = new AuthGuard({ perAddressPerMinute, totalPerMinute: 600, trustProxy: false });
  mountMetricsRoute(app, metrics, token, guard);
  const get = (authorization?: string) =>
    app.request('/_hookline/metrics', { headers: authorization ? { authorization } : {} }, fromCaller);
  return { app, metrics, get };
}

describe('mountMetricsRoute', () => {
  it('mounts nothing without a token: the path is as unknown as any other', async () => {
    const { get } = appWith(null);
    const response = await get(`Bearer ${TOKEN}`);
    expect(response.status).toBe(404);
  });

  it('answers 401 to a missing or wrong token', async () => {
    const { get } = appWith(TOKEN);
    for (const authorization of [
      undefined,
      'Bearer wrong',
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN}x`,
      'Bearer',
      'Bearer a b',
    ]) {
      const response = await get(authorization);
      expect(response.status).toBe(401);
      expect(response.headers.get(ERROR_HEADER)).toBe('E_UNAUTHORIZED');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await response.text()).not.toContain('hookline_');
    }
  });

  it('serves Prometheus text for the right token, with exchanges counted', async () => {
    const { get, metrics } = appWith(TOKEN);
    metrics.countTunnelsWith(() => 3);
    metrics.readQueueWith(
      () => ({ pending: 4, failed: 1 }),
      () => 2,
    );
    metrics.exchange(record());
    metrics.exchange(record({ status: 502, code: 'E_LOCAL_REFUSED', bytesIn: 0, bytesOut: 90 }));
    metrics.exchange(record({ status: 202, queued: true }));
    metrics.tunnelOnline();
    const response = await get(`Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toContain('hookline_tunnels_online 3');
    expect(text).toContain('hookline_queue_depth{state="pending"} 4');
    expect(text).toContain('hookline_queue_depth{state="failed"} 1');
    expect(text).toContain('hookline_requests_in_flight 2');
    expect(text).toContain('hookline_tunnel_sessions_total 1');
    expect(text).toContain('hookline_requests_total{status="200",code="none"} 1');
    expect(text).toContain('hookline_requests_total{status="502",code="E_LOCAL_REFUSED"} 1');
    expect(text).toContain('hookline_queued_requests_total 1');
    expect(text).toContain('hookline_bytes_in_total 200');
    expect(text).toContain('hookline_bytes_out_total 170');
    expect(text).toContain('hookline_request_duration_seconds_count 3');
    expect(text).toContain('hookline_request_duration_seconds_bucket{le="0.025"} 3');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('limits guessing the metrics token like any other token (429 E_RATE_LIMITED, even for the right one)', async () => {
    const { get } = appWith(TOKEN, 2);
    expect((await get('Bearer wrong-1')).status).toBe(401);
    expect((await get('Bearer wrong-2')).status).toBe(401);
    const limited = await get(`Bearer ${TOKEN}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get(ERROR_HEADER)).toBe('E_RATE_LIMITED');
  });

  it('counts a missing or malformed Authorization header as a failed check too', async () => {
    const { get } = appWith(TOKEN, 2);
    expect((await get()).status).toBe(401);
    expect((await get('Bearer not a token')).status).toBe(401);
    const limited = await get(`Bearer ${TOKEN}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get(ERROR_HEADER)).toBe('E_RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
