/**
 * @module @hookline/cluster — several relay nodes as one relay, through one
 * Redis: shared names, tokens, routes (with leases and fencing) and offline
 * queues, and node-to-node proxying for tunnels held by another node. It
 * implements `@hookline/relay`'s `ClusterNode`; only a program that runs a relay
 * in cluster mode imports it (it brings ioredis).
 *
 * @example
 * const { redisCluster } = await import('@hookline/cluster');
 * const relay = createRelay({ cluster: redisCluster({ redisUrl, nodeUrl, secret }) });
 */

import type { ClusterFactory } from '@hookline/relay';
import { type ClusterOptions, resolveClusterOptions } from './cluster-options.js';
import { RedisCluster } from './redis-cluster.js';

export { openClusterTokens } from './cluster-tokens.js';
export type { ClusterOptions };

/**
 * Make a relay one node of the cluster described by `options` (checked now: a
 * `TypeError` names a bad URL, a short secret or a bad lease).
 */
export function redisCluster(options: ClusterOptions): ClusterFactory {
  const resolved = resolveClusterOptions(options);
  return (relay) => new RedisCluster(resolved, relay);
}
