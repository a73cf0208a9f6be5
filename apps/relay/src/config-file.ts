import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config-error.js';
import { SETTING_KEYS, SETTINGS, type SettingKey } from './settings-table.js';

/** A config file's settings as written (JSON values); the settings function validates each. */
export interface ConfigFile {
  /** The file's absolute path, for error lines and for resolving its relative paths. */
  path: string;
  values: Partial<Record<SettingKey, unknown>>;
}

const FILE_KEYS = SETTING_KEYS.filter((key) => SETTINGS[key].file);

/**
 * Unknown keys are refused rather than ignored: a typo (`"prot": 80`) must not
 * silently leave a relay on its default. The value of each key is checked later,
 * by the same schema that checks flags and env.
 */
const fileShape = z.strictObject(Object.fromEntries(FILE_KEYS.map((key) => [key, z.unknown().optional()])));

/** Read a JSON settings file (`path` relative to `cwd`). */
export function readConfigFile(file: string, cwd: string): ConfigFile {
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
  const checked = fileShape.safeParse(data);
  if (!checked.success) {
    const unknown = checked.error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys : []));
    throw new ConfigError(
      `config file ${path}: unknown setting ${unknown.map((key) => `"${key}"`).join(', ')} (known: ${FILE_KEYS.join(', ')})`,
    );
  }
  return { path, values: checked.data as ConfigFile['values'] };
}
