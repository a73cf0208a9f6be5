import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { GenericHmacConfig } from '@hookline/signatures';
import { UserError } from './user-error.js';

/** Settings a `hookline.json` may hold. */
export interface FileConfig {
  relay?: string;
  token?: string;
  name?: string;
  /** Webhook signing secrets by provider: `{"stripe": "whsec_…", "github": "…"}`. */
  secrets?: Record<string, string>;
  /** The generic HMAC scheme (header, algorithm, encoding, prefix, what is signed). */
  genericSignature?: GenericHmacConfig;
  /** Offline queue, as `--queue`: `"serial"` or `"parallel:<n>"`. */
  queue?: string;
  /** Handshakes the relay answers, as `--handshake`: `["slack", "zoom"]` or `"slack,zoom"`. */
  handshakes?: string[];
  /** As `--offline-response`: `"202"` or `"status=202,body=reply.json"`. */
  offlineResponse?: string;
  /** Routes to other local targets, as `--route` (checked by `route-config.ts`). */
  routes?: unknown[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `secrets` and `genericSignature`: checked for shape here, for meaning by the signature config. */
function readSignatureKeys(path: string, value: Record<string, unknown>, config: FileConfig): void {
  const { secrets, genericSignature } = value;
  if (secrets !== undefined) {
    if (!isObject(secrets) || !Object.values(secrets).every((s) => typeof s === 'string')) {
      throw new UserError(`config ${path}: "secrets" must map provider names to secret strings`);
    }
    config.secrets = secrets as Record<string, string>;
  }
  if (genericSignature !== undefined) {
    if (!isObject(genericSignature)) throw new UserError(`config ${path}: "genericSignature" must be an object`);
    config.genericSignature = genericSignature as unknown as GenericHmacConfig;
  }
}

const KEYS = ['relay', 'token', 'name', 'queue'] as const;
/** Every key a `hookline.json` may hold; anything else is refused (a typo must not be silently ignored). */
const KNOWN_KEYS: readonly string[] = [
  ...KEYS,
  'secrets',
  'genericSignature',
  'handshakes',
  'offlineResponse',
  'routes',
];

/** `handshakes` (a list or a comma-separated string) and `offlineResponse` (a spec string or a status). */
function readRelayAnswerKeys(path: string, value: Record<string, unknown>, config: FileConfig): void {
  const { handshakes, offlineResponse } = value;
  if (handshakes !== undefined) {
    const list = typeof handshakes === 'string' ? [handshakes] : handshakes;
    if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
      throw new UserError(`config ${path}: "handshakes" must be a list of names, e.g. ["slack", "zoom"]`);
    }
    config.handshakes = list;
  }
  if (offlineResponse !== undefined) {
    if (typeof offlineResponse !== 'string' && typeof offlineResponse !== 'number') {
      throw new UserError(
        `config ${path}: "offlineResponse" must be a status or a spec like "status=202,body=reply.json"`,
      );
    }
    config.offlineResponse = String(offlineResponse);
  }
}

/**
 * Strict like a zod `strictObject`, written out: zod is not loaded on this path
 * (`http.ts` imports this file, and so would every `hookline --version`).
 */
function refuseUnknownKeys(path: string, value: Record<string, unknown>): void {
  const unknown = Object.keys(value).filter((key) => !KNOWN_KEYS.includes(key));
  if (unknown.length === 0) return;
  const names = unknown.map((key) => `"${key}"`).join(', ');
  throw new UserError(
    `config ${path}: unknown key${unknown.length > 1 ? 's' : ''} ${names} (known: ${KNOWN_KEYS.join(', ')})`,
  );
}

function readConfigFile(path: string): FileConfig | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError(`cannot read config ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError(`config ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(value)) throw new UserError(`config ${path} must hold a JSON object`);
  refuseUnknownKeys(path, value);
  const config: FileConfig = {};
  for (const key of KEYS) {
    const setting = value[key];
    if (setting === undefined) continue;
    if (typeof setting !== 'string') throw new UserError(`config ${path}: "${key}" must be a string`);
    config[key] = setting;
  }
  readSignatureKeys(path, value, config);
  readRelayAnswerKeys(path, value, config);
  if (value.routes !== undefined) {
    if (!Array.isArray(value.routes)) throw new UserError(`config ${path}: "routes" must be a list`);
    config.routes = value.routes;
  }
  return config;
}

/** `hookline.json` in the working directory, else in the XDG config dir, else nothing. */
export function loadFileConfig(cwd: string, env: NodeJS.ProcessEnv): FileConfig {
  const xdg = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return readConfigFile(join(cwd, 'hookline.json')) ?? readConfigFile(join(xdg, 'hookline', 'hookline.json')) ?? {};
}

/** Precedence: flag > env (`HOOKLINE_*`) > config file > default. */
export function pick<T>(
  flag: T | undefined,
  env: string | undefined,
  file: T | undefined,
  fallback?: T,
): T | undefined {
  if (flag !== undefined) return flag;
  if (env !== undefined && env !== '') return env as T;
  return file ?? fallback;
}
