import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from './config-error.js';

/** Settings a config file may hold, converted to the strings flags and env give. */
export type FileSettings = Partial<Record<FileKey, string>>;

type FileKey = keyof typeof FILE_KEYS;

/** Every key the file accepts and the JSON type it must have; `path` values resolve against the file's folder. */
const FILE_KEYS = {
  port: 'number',
  host: 'string',
  domain: 'string',
  publicUrl: 'string',
  auth: 'string',
  dataDir: 'path',
  maxBodyBytes: 'number',
  maxNamesPerToken: 'number',
  trustProxy: 'boolean',
  shutdownGrace: 'number',
  metricsToken: 'string',
  tlsCert: 'path',
  tlsKey: 'path',
  logLevel: 'string',
  nameTtlDays: 'number',
  redis: 'string',
  nodeUrl: 'string',
  clusterSecret: 'string',
} as const;

function isFileKey(key: string): key is FileKey {
  return Object.hasOwn(FILE_KEYS, key);
}

/**
 * Read a JSON settings file. Unknown keys are refused rather than ignored: a typo
 * (`"prot": 80`) must not silently leave a relay on its default.
 */
export function readConfigFile(file: string, cwd: string): FileSettings {
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`config file ${path}: cannot read it (${(error as NodeJS.ErrnoException).code})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${path}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`config file ${path}: must hold one JSON object`);
  }
  const settings: FileSettings = {};
  for (const [key, value] of Object.entries(data)) {
    if (!isFileKey(key)) throw new ConfigError(`config file ${path}: unknown setting "${key}"`);
    const kind = FILE_KEYS[key];
    const expected = kind === 'path' ? 'string' : kind;
    // Numbers may also be written as strings ("4747"); the settings layer checks their form.
    const ok = typeof value === expected || (expected === 'number' && typeof value === 'string');
    if (!ok) throw new ConfigError(`config file ${path}: "${key}" must be a ${expected}`);
    settings[key] = kind === 'path' ? resolve(dirname(path), String(value)) : String(value);
  }
  return settings;
}
