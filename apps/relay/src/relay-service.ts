import type { ClusterOptions } from '@hookline/cluster';
import { type ClusterFactory, createRelay, type Relay, type RelayOptions } from '@hookline/relay';
import { ConfigError } from './config-error.js';
import type { ServiceLogger } from './logger.js';
import { createRelayMetrics } from './relay-metrics.js';
import { createServiceObserver } from './service-observer.js';
import type { ServiceSettings } from './service-settings.js';
import { listenTls, loadTlsPair, type TlsFront } from './tls-front.js';

export interface RunningService {
  readonly relay: Relay;
  /** The relay's base URL (what clients are given). */
  readonly url: string;
  /** The public port actually bound (useful with port 0). */
  readonly port: number;
  /** Stop accepting, let exchanges in flight finish for up to `graceMs`, tell clients to reconnect. */
  stop(graceMs: number): Promise<void>;
}

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'is already in use',
  EACCES: 'is not allowed for this user',
  EADDRNOTAVAIL: 'is not an address of this machine',
};

/** Turn a bind failure the operator can fix into a ConfigError; rethrow anything else. */
async function binding<T>(host: string, port: number, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    const { code, syscall, path } = error as NodeJS.ErrnoException;
    const problem = LISTEN_ERRORS[code ?? ''];
    if (problem && (syscall === 'listen' || syscall === 'bind')) {
      throw new ConfigError(`listening on ${host}:${port} ${problem}`);
    }
    // The data dir cannot be created or opened (EACCES, EROFS, ENOTDIR…): name it.
    if (path !== undefined && code !== undefined) throw new ConfigError(`cannot use ${path} (${code})`);
    // A damaged store or a data dir in use: the message names the file and what to do.
    if ((error as Error).name === 'StoreStartError') throw new ConfigError((error as Error).message);
    throw error;
  }
}

/** Default public URL when TLS terminates here: the bound port, `https`, the domain if there is one. */
function tlsPublicUrl(settings: ServiceSettings, port: number): string {
  const { host, options } = settings.relay;
  const shown = options.domain ?? (host === '0.0.0.0' || host === '::' ? 'localhost' : host);
  return `https://${shown.includes(':') ? `[${shown}]` : shown}${port === 443 ? '' : `:${port}`}`;
}

/** `@hookline/cluster`'s factory for these settings; a bad URL or secret is the operator's mistake. */
async function clusterNode(cluster: ClusterOptions): Promise<ClusterFactory> {
  const { redisCluster } = await import('@hookline/cluster');
  try {
    return redisCluster(cluster);
  } catch (error) {
    if (error instanceof TypeError) throw new ConfigError(error.message);
    throw error;
  }
}

/** Build the relay with logs and metrics, listen (plain or TLS), and return a handle to stop it. */
export async function startRelayService(settings: ServiceSettings, logger: ServiceLogger): Promise<RunningService> {
  const { host, port } = settings.relay;
  const metrics = createRelayMetrics();
  const observer = createServiceObserver(logger, metrics, settings.metricsToken);
  let front: TlsFront | null = null;
  const options: RelayOptions = { ...settings.relay.options, logger, observer };
  // Only a cluster node loads the cluster code, and ioredis with it.
  if (settings.cluster) options.cluster = await clusterNode(settings.cluster);
  if (settings.tls) {
    const pair = await loadTlsPair(settings.tls.certFile, settings.tls.keyFile);
    // Bind the public port first: with port 0 the tunnel URLs need the port the OS picked.
    front = await binding(host, port, () => listenTls(pair, port, host, logger));
    options.publicUrl ??= tlsPublicUrl(settings, front.port);
  }
  let relay: Relay;
  try {
    relay = createRelay(options);
  } catch (error) {
    // createRelay rejects impossible settings (a domain that is no host name) with a TypeError.
    if (error instanceof TypeError) throw new ConfigError(error.message);
    throw error;
  }
  metrics.countTunnelsWith(() => relay.tunnelCount);
  metrics.readQueueWith(
    () => relay.queueDepth(),
    () => relay.inFlight,
  );
  let boundPort: number;
  if (front) {
    await binding('127.0.0.1', 0, () => relay.listen(0, '127.0.0.1'));
    front.attach(relay.server);
    boundPort = front.port;
  } else {
    boundPort = (await binding(host, port, () => relay.listen(port, host))).port;
  }
  return {
    relay,
    url: relay.url,
    port: boundPort,
    async stop(graceMs) {
      front?.stopAccepting();
      await relay.close({ graceMs });
    },
  };
}
