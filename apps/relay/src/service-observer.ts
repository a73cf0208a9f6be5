import type { RelayObserver } from '@hookline/relay';
import { EXCHANGE_LOG_MESSAGE, type ServiceLogger } from './logger.js';
import { mountMetricsRoute } from './metrics-route.js';
import type { RelayMetrics } from './relay-metrics.js';

/**
 * Wire the relay's hooks to logs and metrics: one info line per exchange (with the
 * request id, so a caller's `x-request-id` can be found), one per tunnel going
 * online or offline, and the metrics route. Hooks run on the relay's hot path.
 */
export function createServiceObserver(
  logger: ServiceLogger,
  metrics: RelayMetrics,
  metricsToken: string | null,
): RelayObserver {
  return {
    exchange(record) {
      metrics.exchange(record);
      logger.info(
        {
          requestId: record.requestId,
          tunnel: record.tunnel,
          method: record.method,
          status: record.status,
          code: record.code,
          durationMs: Math.round(record.durationMs * 10) / 10,
          bytesIn: record.bytesIn,
          bytesOut: record.bytesOut,
          queued: record.queued,
        },
        EXCHANGE_LOG_MESSAGE,
      );
    },
    tunnelOnline(event) {
      metrics.tunnelOnline();
      logger.info(event, 'tunnel online');
    },
    tunnelOffline(event) {
      logger.info(event, 'tunnel offline');
    },
    routes(app, tokens) {
      mountMetricsRoute(app, metrics, metricsToken, tokens);
    },
  };
}
