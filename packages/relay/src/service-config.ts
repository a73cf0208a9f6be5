import { HooklineError } from '@hookline/protocol';
import type { RelayOptions } from './options.js';

/** Settings of a relay run as a service, as given by flags, env or a config file (as strings). */
export interface RelayServiceInput {
  port?: string | undefined;
  host?: string | undefined;
  domain?: string | undefined;
  publicUrl?: string | undefined;
  auth?: string | undefined;
  dataDir?: string | undefined;
  /** Largest request body forwarded, in bytes (413 beyond). */
  maxBodyBytes?: string | undefined;
  /** Names one token may reserve (`E_TOO_MANY_NAMES` beyond). */
  maxNamesPerToken?: string | undefined;
  /** `true`: take `x-forwarded-for` as the caller's address (only behind your own proxy). */
  trustProxy?: string | undefined;
  /** Free reserved names unused this many days (no client, no queued webhooks). */
  nameTtlDays?: string | undefined;
  /** Cluster mode: the shared Redis (`redis://…`). */
  redis?: string | undefined;
  /** Cluster mode: this node's URL as the other nodes reach it. */
  nodeUrl?: string | undefined;
  /** Cluster mode: the secret every node shares (≥ 16 characters). */
  clusterSecret?: string | undefined;
}

export interface RelayServiceConfig {
  port: number;
  host: string;
  auth: 'required' | 'none';
  options: RelayOptions;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function invalid(message: string): HooklineError {
  return new HooklineError('E_BAD_REQUEST', message);
}

/** Env values set to '' (compose's `${X:-}`) count as unset, never as a value. */
function fromEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === '' ? undefined : value;
}

function parseBoolean(name: string, text: string): boolean {
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw invalid(`${name} must be true or false, not "${text}"`);
}

/**
 * Flags over `HOOKLINE_*` env over a config file over defaults, validated once.
 * Shared by `hookline relay` and the deployable apps/relay so they never disagree.
 * Auth is required by default as soon as the relay listens beyond loopback.
 */
export function relayServiceConfig(
  input: RelayServiceInput,
  env: NodeJS.ProcessEnv,
  file: RelayServiceInput = {},
): RelayServiceConfig {
  const pick = (key: keyof RelayServiceInput, envName: string): string | undefined =>
    input[key] ?? fromEnv(env, envName) ?? file[key];
  const portText = pick('port', 'HOOKLINE_PORT') ?? '4747';
  const port = /^\d+$/.test(portText) ? Number(portText) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid(`port must be 0-65535, got ${portText}`);
  const host = pick('host', 'HOOKLINE_HOST') ?? '127.0.0.1';
  const auth = pick('auth', 'HOOKLINE_AUTH') ?? (LOOPBACK.has(host) ? 'none' : 'required');
  if (auth !== 'none' && auth !== 'required') throw invalid(`auth must be "required" or "none", not "${auth}"`);
  // Accepted tokens: the data dir's token file (`hookline token create`) plus any in the environment.
  const tokens = (env.HOOKLINE_RELAY_TOKENS ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter(Boolean);
  const dataDir = pick('dataDir', 'HOOKLINE_DATA_DIR');
  const cluster = clusterSettings(
    pick('redis', 'HOOKLINE_REDIS_URL'),
    pick('nodeUrl', 'HOOKLINE_NODE_URL'),
    pick('clusterSecret', 'HOOKLINE_CLUSTER_SECRET'),
  );
  if (auth === 'required' && tokens.length === 0 && !dataDir && !cluster) {
    throw invalid('auth required needs tokens: give a data dir (hookline token create) or HOOKLINE_RELAY_TOKENS');
  }
  const domain = pick('domain', 'HOOKLINE_DOMAIN');
  const publicUrl = pick('publicUrl', 'HOOKLINE_PUBLIC_URL');
  if (publicUrl !== undefined && !/^https?:\/\//.test(publicUrl)) {
    throw invalid(`public URL must start with http:// or https://, got ${publicUrl}`);
  }
  const maxBodyText = pick('maxBodyBytes', 'HOOKLINE_MAX_BODY_BYTES');
  const maxBodyBytes = maxBodyText === undefined ? undefined : Number(maxBodyText);
  if (maxBodyBytes !== undefined && !(Number.isSafeInteger(maxBodyBytes) && maxBodyBytes > 0)) {
    throw invalid(`max body bytes must be a positive whole number, got ${maxBodyText}`);
  }
  const maxNamesText = pick('maxNamesPerToken', 'HOOKLINE_MAX_NAMES_PER_TOKEN');
  const maxNamesPerToken = maxNamesText === undefined ? undefined : Number(maxNamesText);
  if (maxNamesPerToken !== undefined && !(Number.isSafeInteger(maxNamesPerToken) && maxNamesPerToken > 0)) {
    throw invalid(`max names per token must be a positive whole number, got ${maxNamesText}`);
  }
  const trustProxyText = pick('trustProxy', 'HOOKLINE_TRUST_PROXY');
  const ttlText = pick('nameTtlDays', 'HOOKLINE_NAME_TTL_DAYS');
  const nameTtlDays = ttlText === undefined ? undefined : Number(ttlText);
  if (nameTtlDays !== undefined && !(nameTtlDays > 0))
    throw invalid(`name TTL must be a positive number of days, got ${ttlText}`);
  return {
    port,
    host,
    auth,
    options: {
      auth,
      tokens: auth === 'required' ? tokens : [],
      // An open relay facing the internet must not let strangers squat names.
      allowAnonymousNames: LOOPBACK.has(host),
      ...(dataDir ? { dataDir } : {}),
      ...(domain ? { domain } : {}),
      ...(publicUrl ? { publicUrl } : {}),
      ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
      ...(maxNamesPerToken !== undefined ? { maxNamesPerToken } : {}),
      ...(trustProxyText !== undefined ? { trustProxy: parseBoolean('trust proxy', trustProxyText) } : {}),
      ...(cluster ? { cluster } : {}),
      ...(nameTtlDays !== undefined ? { nameTtlMs: nameTtlDays * 24 * 60 * 60 * 1000 } : {}),
    },
  };
}

/** Cluster mode is all three settings or none; a half-configured node must not start. */
function clusterSettings(redis: string | undefined, nodeUrl: string | undefined, secret: string | undefined) {
  if (redis === undefined && nodeUrl === undefined && secret === undefined) return undefined;
  if (redis === undefined) throw invalid('cluster mode needs --redis <url> (HOOKLINE_REDIS_URL)');
  if (!/^rediss?:\/\//.test(redis)) throw invalid(`redis URL must start with redis:// or rediss://, got ${redis}`);
  if (nodeUrl === undefined || !/^https?:\/\//.test(nodeUrl)) {
    throw invalid('cluster mode needs --node-url http(s)://<this node as the others reach it> (HOOKLINE_NODE_URL)');
  }
  if (secret === undefined || secret.length < 16) {
    throw invalid('cluster mode needs a shared secret of at least 16 characters (HOOKLINE_CLUSTER_SECRET)');
  }
  return { redisUrl: redis, nodeUrl, secret };
}

/** A logger writing one JSON object per line (the service's log format). */
export function jsonLineLogger(write: (line: string) => void) {
  const at =
    (level: string) =>
    (fields: object, message: string): void =>
      write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`);
  return { info: at('info'), warn: at('warn'), error: at('error') };
}
