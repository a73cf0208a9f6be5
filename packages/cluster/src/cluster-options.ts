/** Several relay nodes sharing names, tokens and routing through one Redis. */
export interface ClusterOptions {
  /** e.g. `redis://10.0.0.5:6379`. */
  redisUrl: string;
  /** This node's internal base URL, reachable by the other nodes (e.g. `http://10.0.0.11:4747`). */
  nodeUrl: string;
  /** Shared secret that node-to-node requests carry; anything else is a public caller. */
  secret: string;
  /** A node holds a tunnel's route for this long unless it renews it. @default 10_000 */
  leaseMs?: number;
  /** Prefix of every Redis key. @default 'hookline:' */
  keyPrefix?: string;
}

export interface ResolvedClusterOptions extends Required<ClusterOptions> {}

export function resolveClusterOptions(options: ClusterOptions): ResolvedClusterOptions {
  if (!URL.canParse(options.redisUrl)) throw new TypeError(`cluster redisUrl is not a URL: ${options.redisUrl}`);
  if (!URL.canParse(options.nodeUrl)) throw new TypeError(`cluster nodeUrl is not a URL: ${options.nodeUrl}`);
  if (options.secret.length < 16) throw new TypeError('cluster secret must be at least 16 characters');
  const leaseMs = options.leaseMs ?? 10_000;
  if (!(leaseMs >= 100)) throw new TypeError(`cluster leaseMs must be at least 100, got ${leaseMs}`);
  return {
    redisUrl: options.redisUrl,
    nodeUrl: options.nodeUrl.replace(/\/+$/, ''),
    secret: options.secret,
    leaseMs,
    keyPrefix: options.keyPrefix ?? 'hookline:',
  };
}
