import { LIMIT_SETTINGS } from './limit-settings.js';
import { type Setting, setting } from './setting.js';
import { kinds } from './setting-kinds.js';

export type { Setting, SettingGroup } from './setting.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Every setting of the relay program, once: its flag, `HOOKLINE_*` env name, config
 * file key, accepted form and documented default. `--help`, the flag parser, the
 * config file's key list and README's settings table are all made from this table
 * (README's by `npm run settings-table -w @hookline/relay-service`, checked by a test).
 * The limits live in `limit-settings.ts`; the order here is the order of --help.
 */
export const SETTINGS = {
  config: setting(kinds.path, 'service', {
    flag: '--config',
    env: 'HOOKLINE_CONFIG',
    arg: '<file>',
    file: false,
    about: 'JSON settings file (keys below)',
    default: 'none',
  }),
  port: setting(kinds.port, 'service', {
    flag: '--port',
    env: 'HOOKLINE_PORT',
    about: 'listen port, 0 for any free one',
    default: '4747',
  }),
  host: setting(kinds.text, 'service', {
    flag: '--host',
    env: 'HOOKLINE_HOST',
    arg: '<address>',
    about: 'listen address',
    default: '127.0.0.1 (image: 0.0.0.0)',
  }),
  domain: setting(kinds.text, 'service', {
    flag: '--domain',
    env: 'HOOKLINE_DOMAIN',
    arg: '<domain>',
    about: 'host routing: <name>.<domain>',
    default: 'none: /t/<name> only',
  }),
  publicUrl: setting(kinds.httpUrl, 'service', {
    flag: '--public-url',
    env: 'HOOKLINE_PUBLIC_URL',
    about: 'URL clients and callers use',
    default: 'http(s)://<domain|host>:<port>',
  }),
  dataDir: setting(kinds.path, 'service', {
    flag: '--data-dir',
    env: 'HOOKLINE_DATA_DIR',
    arg: '<dir>',
    about: 'tokens, names, offline queues; :memory: keeps nothing',
    default: '$XDG_DATA_HOME/hookline/relay (image: /var/lib/hookline)',
  }),
  logLevel: setting(kinds.choice(LOG_LEVELS), 'service', {
    flag: '--log-level',
    env: 'HOOKLINE_LOG_LEVEL',
    arg: '<level>',
    about: `${LOG_LEVELS.join(', ')}`,
    default: 'info',
  }),
  shutdownGrace: setting(kinds.durationOrZero, 'service', {
    flag: '--shutdown-grace',
    env: 'HOOKLINE_SHUTDOWN_GRACE',
    about: 'time exchanges in flight get on SIGTERM',
    default: '30s',
  }),
  metricsToken: setting(kinds.bearerSecret, 'service', {
    flag: '--metrics-token',
    env: 'HOOKLINE_METRICS_TOKEN',
    arg: '<token>',
    about: 'serve /_hookline/metrics to this bearer token',
    default: 'none: no metrics route',
  }),
  tlsCert: setting(kinds.path, 'service', {
    flag: '--tls-cert',
    env: 'HOOKLINE_TLS_CERT',
    arg: '<file>',
    about: 'PEM certificate chain: HTTPS + WSS',
    default: 'none',
  }),
  tlsKey: setting(kinds.path, 'service', {
    flag: '--tls-key',
    env: 'HOOKLINE_TLS_KEY',
    arg: '<file>',
    about: 'PEM private key',
    default: 'none',
  }),
  auth: setting(kinds.choice(['required', 'none']), 'access', {
    flag: '--auth',
    env: 'HOOKLINE_AUTH',
    about: 'tunnels need a token',
    default: 'required unless bound to loopback',
  }),
  tokens: setting(kinds.list, 'access', {
    flag: null,
    env: 'HOOKLINE_RELAY_TOKENS',
    file: false,
    about: 'accepted tokens besides the data dir',
    default: 'none',
  }),
  trustProxy: setting(kinds.boolean, 'access', {
    flag: '--trust-proxy',
    env: 'HOOKLINE_TRUST_PROXY',
    about: 'caller address from x-forwarded-for',
    default: 'false',
  }),
  nameTtlDays: setting(kinds.amount, 'access', {
    flag: '--name-ttl-days',
    env: 'HOOKLINE_NAME_TTL_DAYS',
    arg: '<days>',
    about: 'free names unused this long',
    default: 'never',
  }),
  ...LIMIT_SETTINGS,
  redis: setting(kinds.redisUrl, 'cluster', {
    flag: '--redis',
    env: 'HOOKLINE_REDIS_URL',
    about: 'names, tokens, routes in this Redis',
    default: 'none: one node',
  }),
  nodeUrl: setting(kinds.httpUrl, 'cluster', {
    flag: '--node-url',
    env: 'HOOKLINE_NODE_URL',
    about: 'this node as the others reach it',
    default: 'none',
  }),
  clusterSecret: setting(kinds.secret, 'cluster', {
    flag: '--cluster-secret',
    env: 'HOOKLINE_CLUSTER_SECRET',
    about: 'shared by every node',
    default: 'none',
  }),
} as const satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;

/** The validated value of each setting that was given; absent ones are left out. */
export type SettingValues = {
  [K in SettingKey]?: (typeof SETTINGS)[K] extends Setting<infer T> ? T : never;
};

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];
