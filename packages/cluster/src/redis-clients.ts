import type { RelayLogger } from '@hookline/relay';
import { Redis } from 'ioredis';

/**
 * Commands fail fast (a request must not hang on a Redis outage) while the
 * connection itself retries forever with capped backoff, so a restarted Redis is
 * picked up without anyone's help. It connects on its first command.
 */
export function createRedis(url: string, logger: RelayLogger, role: string): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    commandTimeout: 3_000,
    retryStrategy: (attempt) => Math.min(2_000, 50 * 2 ** Math.min(attempt, 6)),
    enableReadyCheck: true,
  });
  let down = false;
  client.on('error', (error: Error) => {
    if (!down) logger.warn({ redis: role, err: error.message }, 'redis connection problem');
    down = true;
  });
  client.on('ready', () => {
    if (down) logger.info({ redis: role }, 'redis connection back');
    down = false;
  });
  return client;
}
