import { type RelayServiceConfig, relayServiceConfig } from '@hookline/relay';
import type { ServiceFlags } from './cli-flags.js';
import { ConfigError } from './config-error.js';
import { type FileSettings, readConfigFile } from './config-file.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Everything the service needs, validated: the relay's shared settings plus the service's own. */
export interface ServiceSettings {
  relay: RelayServiceConfig;
  /** How long in-flight exchanges may run on after SIGTERM. */
  shutdownGraceMs: number;
  /** Bearer token for `/_hookline/metrics`; null: the route does not exist. */
  metricsToken: string | null;
  tls: { certFile: string; keyFile: string } | null;
  logLevel: LogLevel;
}

/** Short enough to be guessed is too short: the metrics route has no failure limit of its own. */
const MIN_METRICS_TOKEN = 16;

function fromEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === '' ? undefined : value;
}

/**
 * Resolve flags > `HOOKLINE_*` env > config file (`--config` / `HOOKLINE_CONFIG`)
 * > defaults. Shared relay settings go through `relayServiceConfig` (the same
 * function `hookline relay` uses); the rest is the service's own.
 */
export function loadServiceSettings(flags: ServiceFlags, env: NodeJS.ProcessEnv, cwd: string): ServiceSettings {
  const configFile = flags.config ?? fromEnv(env, 'HOOKLINE_CONFIG');
  const file: FileSettings = configFile ? readConfigFile(configFile, cwd) : {};
  const pick = (key: keyof ServiceFlags & keyof FileSettings, envName: string): string | undefined => {
    const flag = flags[key];
    return (typeof flag === 'string' ? flag : undefined) ?? fromEnv(env, envName) ?? file[key];
  };

  let relay: RelayServiceConfig;
  try {
    relay = relayServiceConfig(flags, env, file);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }

  const graceText = pick('shutdownGrace', 'HOOKLINE_SHUTDOWN_GRACE') ?? '30';
  const grace = /^\d+(\.\d+)?$/.test(graceText) ? Number(graceText) : Number.NaN;
  if (!(grace >= 0)) throw new ConfigError(`shutdown grace must be a number of seconds, got ${graceText}`);

  const metricsToken = pick('metricsToken', 'HOOKLINE_METRICS_TOKEN') ?? null;
  if (metricsToken !== null && metricsToken.length < MIN_METRICS_TOKEN) {
    throw new ConfigError(`metrics token must be at least ${MIN_METRICS_TOKEN} characters`);
  }

  const certFile = pick('tlsCert', 'HOOKLINE_TLS_CERT');
  const keyFile = pick('tlsKey', 'HOOKLINE_TLS_KEY');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new ConfigError('TLS needs both a certificate and a key (--tls-cert and --tls-key)');
  }

  const logLevel = pick('logLevel', 'HOOKLINE_LOG_LEVEL') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`log level must be one of ${LOG_LEVELS.join(', ')}, not "${logLevel}"`);
  }

  return {
    relay,
    shutdownGraceMs: Math.round(grace * 1000),
    metricsToken,
    tls: certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : null,
    logLevel: logLevel as LogLevel,
  };
}
