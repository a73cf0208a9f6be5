import type { IncomingMessage } from 'node:http';
import { AuthGuard, DEFAULT_QUEUE_LIMITS } from '@hookline/relay';
import { describeStoreContract, type StoreBackend } from '@hookline/relay/testing';
import { startRedis, type TestRedis } from '@hookline/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisDeliveryQueue } from './redis-delivery-queue.js';
import { createRedisFailureStore } from './redis-failure-store.js';
import { RedisRegistry } from './redis-registry.js';
import { RedisReservations } from './redis-reservations.js';
import { createRedisToken, RedisTokenVerifier, revokeRedisToken } from './redis-tokens.js';

// The cluster's stores under the relay's store contract (the embedded ones run it in
// @hookline/relay), then what only a cluster has: leases and fencing.
let redis: TestRedis;
let client: Redis;
let prefixSeq = 0;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});

afterAll(async () => {
  client?.disconnect();
  await redis?.close();
});

const clustered = (): StoreBackend => {
  const prefix = `contract${++prefixSeq}:`;
  return {
    async queue(limits = {}) {
      const queue = await RedisDeliveryQueue.open({
        redis: client,
        prefix,
        name: 'shop',
        limits: { ...DEFAULT_QUEUE_LIMITS, ...limits },
        consumer: 'node-a',
        announce: async () => {},
      });
      await queue.sync({ claim: true });
      return queue;
    },
    async reservations() {
      const store = new RedisReservations(client, prefix, async () => {});
      await store.load();
      return store;
    },
    registry: () => new RedisRegistry(client, { prefix, node: 'http://node-a', leaseMs: 10_000 }),
    failures: () => createRedisFailureStore(client, prefix),
    async token() {
      const { token, record } = await createRedisToken(client, prefix, 'contract');
      return {
        token,
        verifier: async () => {
          const verifier = new RedisTokenVerifier(client, prefix, []);
          await verifier.refresh();
          return verifier;
        },
        revoke: async () => void (await revokeRedisToken(client, prefix, record.id)),
      };
    },
  };
};

describeStoreContract('cluster (Redis)', clustered);

describe('cluster routes (Redis only): leases and fencing', () => {
  it('gives every claim a new epoch; the old holder cannot renew after the route moved', async () => {
    const prefix = `fence${++prefixSeq}:`;
    const nodeA = new RedisRegistry(client, { prefix, node: 'http://a', leaseMs: 10_000 });
    const nodeB = new RedisRegistry(client, { prefix, node: 'http://b', leaseMs: 10_000 });
    const a = await nodeA.claim('shop', { sessionId: 'sa', clientId: 'c', owner: 'tok' });
    const b = await nodeB.claim('shop', { sessionId: 'sb', clientId: 'c', owner: 'tok' });
    if (!a.ok || !b.ok) throw new Error('claims refused');
    expect(b.epoch).toBeGreaterThan(a.epoch ?? 0);
    expect(await nodeA.renew('shop', 'sa', a.epoch ?? 0)).toBe(false);
    expect(await nodeB.renew('shop', 'sb', b.epoch ?? 0)).toBe(true);
    expect((await nodeA.holderOf('shop'))?.node).toBe('http://b');
  });

  it('keeps limiting token checks on its own while Redis is unreachable', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const guard = new AuthGuard({
      perAddressPerMinute: 2,
      totalPerMinute: 100,
      trustProxy: false,
      store: createRedisFailureStore(down, 'down:'),
    });
    const req = { socket: { remoteAddress: '198.51.100.4' }, headers: {} } as unknown as IncomingMessage;
    await guard.record(req, false);
    await guard.record(req, false);
    expect((await guard.check(req))?.code).toBe('E_RATE_LIMITED');
    down.disconnect();
  });

  it('lets a lease lapse when it is not renewed', async () => {
    const prefix = `lapse${++prefixSeq}:`;
    const node = new RedisRegistry(client, { prefix, node: 'http://a', leaseMs: 150 });
    await node.claim('brief', { sessionId: 's', clientId: 'c', owner: null });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await node.holderOf('brief')).toBeUndefined();
  });
});
