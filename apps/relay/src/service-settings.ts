import type { ClusterOptions } from '@hookline/cluster';
import { defaultRelayDataDir, type RelayOptions } from '@hookline/relay';
import type { ServiceFlags } from './cli-flags.js';
import { ConfigError } from './config-error.js';
import { limitOptions } from './relay-limits.js';
import { MEMORY_DATA_DIR, readSettingValues } from './setting-sources.js';
import type { SettingValues } from './settings-table.js';

export type LogLevel = NonNullable<SettingValues['logLevel']>;

/** Everything the relay program needs, validated. */
export interface ServiceSettings {
  relay: {
    port: number;
    host: string;
    auth: 'required' | 'none';
    /** Everything but the logger, the observer and the cluster, which the running service adds. */
    options: RelayOptions;
  };
  /** Cluster mode (`--redis`, `--node-url`, `--cluster-secret`); null: a relay on its own. */
  cluster: ClusterOptions | null;
  /** How long in-flight exchanges may run on after SIGTERM. */
  shutdownGraceMs: number;
  /** Bearer token for `/_hookline/metrics`; null: the route does not exist. */
  metricsToken: string | null;
  tls: { certFile: string; keyFile: string } | null;
  logLevel: LogLevel;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * The one settings function of `hookline relay` and `hookline-relay`: flags >
 * `HOOKLINE_*` env > config file (`--config` / `HOOKLINE_CONFIG`) > defaults, each
 * value checked by the settings table (`readSettingValues`), then the rules that
 * span settings. Auth is required by default as soon as the relay listens beyond loopback.
 *
 * The data dir defaults to `$XDG_DATA_HOME/hookline/relay`, where `hookline token`
 * writes tokens by default, so `hookline relay` + `hookline token create` work with
 * no flags, and names and queued webhooks survive a restart. The image sets
 * `/var/lib/hookline`; `:memory:` keeps nothing on disk.
 */
export function loadServiceSettings(flags: ServiceFlags, env: NodeJS.ProcessEnv, cwd: string): ServiceSettings {
  const values = readSettingValues(flags, env, cwd);
  const host = values.host ?? '127.0.0.1';
  const auth = values.auth ?? (LOOPBACK.has(host) ? 'none' : 'required');
  const tokens = values.tokens ?? [];
  const dataDir = values.dataDir ?? defaultRelayDataDir(env);
  const cluster = clusterOptions(values);
  if (auth === 'required' && tokens.length === 0 && dataDir === MEMORY_DATA_DIR && !cluster) {
    throw new ConfigError(
      'auth required needs tokens: a data dir for hookline token create (--data-dir), or HOOKLINE_RELAY_TOKENS',
    );
  }
  if ((values.tlsCert === undefined) !== (values.tlsKey === undefined)) {
    throw new ConfigError('TLS needs both a certificate and a key (--tls-cert and --tls-key)');
  }
  const options: RelayOptions = {
    ...limitOptions(values),
    auth,
    tokens: auth === 'required' ? tokens : [],
    // An open relay facing the internet must not let strangers squat names.
    allowAnonymousNames: LOOPBACK.has(host),
  };
  if (dataDir !== MEMORY_DATA_DIR) options.dataDir = dataDir;
  if (values.domain !== undefined) options.domain = values.domain;
  if (values.publicUrl !== undefined) options.publicUrl = values.publicUrl;
  if (values.trustProxy !== undefined) options.trustProxy = values.trustProxy;
  return {
    relay: { port: values.port ?? 4747, host, auth, options },
    cluster,
    shutdownGraceMs: values.shutdownGrace ?? 30_000,
    metricsToken: values.metricsToken ?? null,
    tls: values.tlsCert && values.tlsKey ? { certFile: values.tlsCert, keyFile: values.tlsKey } : null,
    logLevel: values.logLevel ?? 'info',
  };
}

/** Cluster mode is all three settings or none; a half-configured node must not start. */
function clusterOptions({ redis, nodeUrl, clusterSecret }: SettingValues): ClusterOptions | null {
  if (redis === undefined && nodeUrl === undefined && clusterSecret === undefined) return null;
  if (redis === undefined) throw new ConfigError('cluster mode needs --redis <url> (HOOKLINE_REDIS_URL)');
  if (nodeUrl === undefined) {
    throw new ConfigError('cluster mode needs --node-url <this node as the others reach it> (HOOKLINE_NODE_URL)');
  }
  if (clusterSecret === undefined) {
    throw new ConfigError('cluster mode needs --cluster-secret, at least 16 characters (HOOKLINE_CLUSTER_SECRET)');
  }
  return { redisUrl: redis, nodeUrl, secret: clusterSecret };
}
