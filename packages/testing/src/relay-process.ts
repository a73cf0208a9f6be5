/**
 * A relay as its own process, for tests and benchmarks that measure it apart.
 * argv[2]: JSON RelayProcessConfig ({ port?, graceMs?, options?, cluster? }).
 * Prints one JSON line { url, port } when ready, and on SIGUSR2 one line
 * { stats } (see relay-stats.ts).
 */
import { createRelay } from '@hookline/relay';
import type { RelayProcessConfig } from './child.js';

const config = JSON.parse(process.argv[2] ?? '{}') as RelayProcessConfig;
// Like the relay program: the cluster code (and ioredis) only for a cluster node.
const cluster = config.cluster ? (await import('@hookline/cluster')).redisCluster(config.cluster) : undefined;
const relay = createRelay({ ...config.options, ...(cluster ? { cluster } : {}) });
const address = await relay.listen(config.port ?? 0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ url: relay.url, port: address.port, pid: process.pid })}\n`);
const stop = () => void relay.close({ graceMs: config.graceMs ?? 0 }).then(() => process.exit(0));
process.on('SIGUSR2', () => {
  // With --expose-gc, a full collection first: the heap then holds only what is still reachable.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const resources = process.getActiveResourcesInfo();
  const count = (type: string) => resources.filter((resource) => resource === type).length;
  const stats = {
    heapUsed: process.memoryUsage().heapUsed,
    collected: gc !== undefined,
    tunnels: relay.tunnelCount,
    sockets: count('TCPSocketWrap'),
    timers: count('Timeout'),
  };
  process.stdout.write(`${JSON.stringify({ stats })}\n`);
});
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
