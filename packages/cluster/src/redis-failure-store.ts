import { createMemoryFailureStore, type FailureStore } from '@hookline/relay';
import type { Redis } from 'ioredis';

// One token bucket per key in a hash {tokens, at}: refilled by elapsed time, then
// read (ARGV[3] = '0') or spent (ARGV[3] = '1'). Returns the seconds to wait, 0 if
// a token is there. Idle buckets expire once they would be full again anyway.
const BUCKET = `
local rate = tonumber(ARGV[1]) / 60000
local burst = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or burst)
local at = tonumber(redis.call('HGET', KEYS[1], 'at') or now)
tokens = math.min(burst, tokens + (now - at) * rate)
if ARGV[3] == '1' and tokens >= 1 then tokens = tokens - 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
if tokens >= 1 then return 0 end
return math.max(1, math.ceil((1 - tokens) / rate / 1000))
`;

/**
 * Failure budgets shared by every node of a cluster (the limits hold for the
 * cluster, not per node). While Redis is unreachable each node falls back to its
 * own memory: token checks keep working, with per-node limits until it is back.
 */
export function createRedisFailureStore(redis: Redis, prefix: string): FailureStore {
  const local = createMemoryFailureStore();
  const bucket = (key: string, perMinute: number) => `${prefix}authfail:${perMinute}:${key}`;
  const run = async (key: string, perMinute: number, now: number, spend: boolean) =>
    Number(await redis.eval(BUCKET, 1, bucket(key, perMinute), String(perMinute), String(now), spend ? '1' : '0'));
  return {
    wait: (key, perMinute, now) => run(key, perMinute, now, false).catch(() => local.wait(key, perMinute, now)),
    async spend(key, perMinute, now) {
      await run(key, perMinute, now, true).catch(() => local.spend(key, perMinute, now));
    },
    async markKnown(key, now, forMs) {
      await local.markKnown(key, now, forMs);
      await redis.set(`${prefix}authknown:${key}`, '1', 'PX', forMs).catch(() => {});
    },
    async isKnown(key, now) {
      const shared = await redis.exists(`${prefix}authknown:${key}`).catch(() => 0);
      return shared === 1 || local.isKnown(key, now);
    },
  };
}
