import type { ExchangeRecord } from '@hookline/relay';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface RelayMetrics {
  readonly registry: Registry;
  /** Count one finished public exchange. */
  exchange(record: ExchangeRecord): void;
  /** Count one tunnel session coming online. */
  tunnelOnline(): void;
  /** Where the tunnels-online gauge reads its value at scrape time. */
  countTunnelsWith(count: () => number): void;
  /** Where the queue-depth and in-flight gauges read their values at scrape time. */
  readQueueWith(depth: () => { pending: number; failed: number }, inFlight: () => number): void;
}

/**
 * The relay's Prometheus metrics, in a registry of their own (not prom-client's
 * global one, so two relays in one process never mix). No label carries a tunnel
 * name: names are chosen by strangers, and one label value per name would let
 * them grow the series count without bound.
 */
export function createRelayMetrics(): RelayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let tunnelCount = () => 0;
  let queueDepth = () => ({ pending: 0, failed: 0 });
  let inFlightCount = () => 0;

  new Gauge({
    name: 'hookline_queue_depth',
    help: 'Webhooks in the offline queues this node has open, by state (pending or failed).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const { pending, failed } = queueDepth();
      this.set({ state: 'pending' }, pending);
      this.set({ state: 'failed' }, failed);
    },
  });
  new Gauge({
    name: 'hookline_requests_in_flight',
    help: 'Public requests being answered right now.',
    registers: [registry],
    collect() {
      this.set(inFlightCount());
    },
  });

  new Gauge({
    name: 'hookline_tunnels_online',
    help: 'Tunnel sessions connected to this relay.',
    registers: [registry],
    collect() {
      this.set(tunnelCount());
    },
  });
  const sessions = new Counter({
    name: 'hookline_tunnel_sessions_total',
    help: 'Tunnel sessions that came online (reconnects included).',
    registers: [registry],
  });
  const requests = new Counter({
    name: 'hookline_requests_total',
    help: 'Public requests routed to a tunnel, by response status and hookline-error code ("none" when the tunnel answered).',
    labelNames: ['status', 'code'] as const,
    registers: [registry],
  });
  const queued = new Counter({
    name: 'hookline_queued_requests_total',
    help: 'Public requests stored in an offline queue (delivered at once or answered 202).',
    registers: [registry],
  });
  const bytesIn = new Counter({
    name: 'hookline_bytes_in_total',
    help: 'Bytes read from public callers while their exchange ran (request heads excluded).',
    registers: [registry],
  });
  const bytesOut = new Counter({
    name: 'hookline_bytes_out_total',
    help: 'Bytes written to public callers (response heads included).',
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'hookline_request_duration_seconds',
    help: 'Time from routing a public request to the end of its response.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });

  return {
    registry,
    exchange(record) {
      requests.inc({ status: String(record.status), code: record.code ?? 'none' });
      if (record.queued) queued.inc();
      bytesIn.inc(record.bytesIn);
      bytesOut.inc(record.bytesOut);
      duration.observe(record.durationMs / 1000);
    },
    tunnelOnline() {
      sessions.inc();
    },
    countTunnelsWith(count) {
      tunnelCount = count;
    },
    readQueueWith(depth, inFlight) {
      queueDepth = depth;
      inFlightCount = inFlight;
    },
  };
}
