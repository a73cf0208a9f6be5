import { createRedis } from './redis-clients.js';
import { createRedisToken, listRedisTokens, revokeRedisToken } from './redis-tokens.js';

const quiet = { info() {}, warn() {}, error() {} };

/**
 * Token management for a cluster (what `hookline token --redis` uses); close it
 * when done. It connects to Redis on first use.
 */
export function openClusterTokens(redisUrl: string, keyPrefix = 'hookline:') {
  const redis = createRedis(redisUrl, quiet, 'tokens');
  return {
    create: (label = '') => createRedisToken(redis, keyPrefix, label),
    list: () => listRedisTokens(redis, keyPrefix),
    revoke: (id: string) => revokeRedisToken(redis, keyPrefix, id),
    close: async () => {
      if (redis.status === 'wait') return redis.disconnect();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
