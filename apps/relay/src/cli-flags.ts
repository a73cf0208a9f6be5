import { parseArgs } from 'node:util';
import { ConfigError } from './config-error.js';

/** Flags exactly as given; every value is a string until the settings layer validates it. */
export interface ServiceFlags {
  config?: string;
  port?: string;
  host?: string;
  domain?: string;
  publicUrl?: string;
  auth?: string;
  dataDir?: string;
  maxBodyBytes?: string;
  maxNamesPerToken?: string;
  trustProxy?: string;
  shutdownGrace?: string;
  metricsToken?: string;
  tlsCert?: string;
  tlsKey?: string;
  logLevel?: string;
  nameTtlDays?: string;
  redis?: string;
  nodeUrl?: string;
  clusterSecret?: string;
  help?: boolean;
  version?: boolean;
}

const STRING_FLAGS = {
  config: 'config',
  port: 'port',
  host: 'host',
  domain: 'domain',
  'public-url': 'publicUrl',
  auth: 'auth',
  'data-dir': 'dataDir',
  'max-body-bytes': 'maxBodyBytes',
  'max-names-per-token': 'maxNamesPerToken',
  'shutdown-grace': 'shutdownGrace',
  'metrics-token': 'metricsToken',
  'tls-cert': 'tlsCert',
  'tls-key': 'tlsKey',
  'log-level': 'logLevel',
  'name-ttl-days': 'nameTtlDays',
  redis: 'redis',
  'node-url': 'nodeUrl',
  'cluster-secret': 'clusterSecret',
} as const;

export const USAGE = `Usage: hookline-relay [options]

Settings: flags > HOOKLINE_* env > --config file (JSON) > defaults.

  --config <file>          JSON settings file (HOOKLINE_CONFIG); keys as below in camelCase
  --port <p>               listen port, 0 for any (HOOKLINE_PORT, 4747)
  --host <h>               listen address (HOOKLINE_HOST, 127.0.0.1)
  --domain <d>             host routing: <name>.<d> (HOOKLINE_DOMAIN)
  --public-url <url>       URL clients and callers use (HOOKLINE_PUBLIC_URL)
  --auth required|none     tunnel tokens (HOOKLINE_AUTH; required beyond loopback)
  --data-dir <dir>         tokens, names, queues (HOOKLINE_DATA_DIR)
  --max-body-bytes <n>     largest request body (HOOKLINE_MAX_BODY_BYTES, 10 MiB)
  --max-names-per-token <n> names one token may reserve (HOOKLINE_MAX_NAMES_PER_TOKEN, 20)
  --trust-proxy            take x-forwarded-for from your proxy (HOOKLINE_TRUST_PROXY)
  --shutdown-grace <s>     in-flight time allowed on SIGTERM (HOOKLINE_SHUTDOWN_GRACE, 30)
  --metrics-token <t>      enables /_hookline/metrics for this bearer token (HOOKLINE_METRICS_TOKEN)
  --tls-cert <file>        PEM certificate chain: serve HTTPS + WSS (HOOKLINE_TLS_CERT)
  --tls-key <file>         PEM private key (HOOKLINE_TLS_KEY)
  --log-level <level>      fatal|error|warn|info|debug|trace|silent (HOOKLINE_LOG_LEVEL, info)
  --name-ttl-days <n>      free names unused this long (HOOKLINE_NAME_TTL_DAYS, never)
  --redis <url>            cluster mode: names, tokens, routes in Redis (HOOKLINE_REDIS_URL)
  --node-url <url>         cluster mode: this node as the others reach it (HOOKLINE_NODE_URL)
  --cluster-secret <s>     cluster mode: shared by every node (HOOKLINE_CLUSTER_SECRET)
  --help, --version
`;

/** Parse argv (without node and script); unknown or malformed flags are a ConfigError. */
export function parseFlags(argv: readonly string[]): ServiceFlags {
  const options = Object.fromEntries(Object.keys(STRING_FLAGS).map((flag) => [flag, { type: 'string' as const }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        ...options,
        'trust-proxy': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    // node's messages can span lines; the operator needs one line naming the flag.
    const message = (error as Error).message;
    const quoted = /'([^']*)'/.exec(message)?.[1]?.split(' ')[0] ?? '';
    switch ((error as NodeJS.ErrnoException).code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
        throw new ConfigError(`unknown option ${quoted} (see --help)`);
      case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
        throw new ConfigError(`unexpected argument ${quoted} (settings are --flags; see --help)`);
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
        throw new ConfigError(
          message.includes('does not take') ? `option ${quoted} takes no value` : `option ${quoted} needs a value`,
        );
      default:
        throw new ConfigError(message.split('\n')[0] ?? message);
    }
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const flags: ServiceFlags = {};
  for (const [flag, key] of Object.entries(STRING_FLAGS)) {
    const value = values[flag];
    if (typeof value === 'string') flags[key] = value;
  }
  if (values['trust-proxy'] === true) flags.trustProxy = 'true';
  if (values.help === true) flags.help = true;
  if (values.version === true) flags.version = true;
  return flags;
}
