import { createRedisToken, listRedisTokens, revokeRedisToken } from './redis-tokens.js';

const quiet = { info() {}, warn() {}, error() {} };

/**
 * Token management for a cluster (what `hookline token --redis` uses); close it when done.
 * ioredis is imported on first use, so loading this package never loads it.
 */
export function openClusterTokens(redisUrl: string, keyPrefix = 'hookline:') {
  let connecting: ReturnType<typeof connect> | null = null;
  const redis = () => {
    connecting ??= connect(redisUrl);
    return connecting;
  };
  return {
    create: async (label = '') => createRedisToken(await redis(), keyPrefix, label),
    list: async () => listRedisTokens(await redis(), keyPrefix),
    revoke: async (id: string) => revokeRedisToken(await redis(), keyPrefix, id),
    close: async () => {
      if (!connecting) return;
      const client = await connecting;
      await client.quit().catch(() => client.disconnect());
    },
  };
}

async function connect(redisUrl: string) {
  const { createRedis } = await import('./redis-clients.js');
  return createRedis(redisUrl, quiet, 'tokens');
}
