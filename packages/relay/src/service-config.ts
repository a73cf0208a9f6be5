import { HooklineError } from '@hookline/protocol';
import type { RelayOptions } from './options.js';

/** Settings of a relay run as a service, as given by flags (strings) or env. */
export interface RelayServiceInput {
  port?: string | undefined;
  host?: string | undefined;
  domain?: string | undefined;
  publicUrl?: string | undefined;
  auth?: string | undefined;
  dataDir?: string | undefined;
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

/**
 * Flags over `HOOKLINE_*` env over defaults, validated once. Shared by
 * `hookline relay` and the deployable apps/relay so they never disagree.
 * Auth is required by default as soon as the relay listens beyond loopback.
 */
export function relayServiceConfig(input: RelayServiceInput, env: NodeJS.ProcessEnv): RelayServiceConfig {
  const portText = input.port ?? env.HOOKLINE_PORT ?? '4747';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid(`port must be 0-65535, got ${portText}`);
  const host = input.host ?? env.HOOKLINE_HOST ?? '127.0.0.1';
  const auth = input.auth ?? env.HOOKLINE_AUTH ?? (LOOPBACK.has(host) ? 'none' : 'required');
  if (auth !== 'none' && auth !== 'required') throw invalid(`auth must be "required" or "none", not "${auth}"`);
  // Accepted tokens: the data dir's token file (`hookline token create`) plus any in the environment.
  const tokens = (env.HOOKLINE_RELAY_TOKENS ?? '')
    .split(',')
    .map((token) => token.trim())
    .filter(Boolean);
  const dataDir = input.dataDir ?? env.HOOKLINE_DATA_DIR;
  if (auth === 'required' && tokens.length === 0 && !dataDir) {
    throw invalid('auth required needs tokens: give a data dir (hookline token create) or HOOKLINE_RELAY_TOKENS');
  }
  const domain = input.domain ?? env.HOOKLINE_DOMAIN;
  const publicUrl = input.publicUrl ?? env.HOOKLINE_PUBLIC_URL;
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
    },
  };
}

/** A logger writing one JSON object per line (the service's log format). */
export function jsonLineLogger(write: (line: string) => void) {
  const at =
    (level: string) =>
    (fields: object, message: string): void =>
      write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`);
  return { info: at('info'), warn: at('warn'), error: at('error') };
}
