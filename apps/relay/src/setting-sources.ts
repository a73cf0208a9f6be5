import { dirname, resolve } from 'node:path';
import type { ServiceFlags } from './cli-flags.js';
import { ConfigError } from './config-error.js';
import { type ConfigFile, readConfigFile } from './config-file.js';
import { SETTING_KEYS, SETTINGS, type SettingKey, type SettingValues } from './settings-table.js';

/** The data dir value that keeps nothing on disk (as SQLite names its memory databases). */
export const MEMORY_DATA_DIR = ':memory:';

/** One setting as found: its value, where it was found (for error lines), and what a relative path is relative to. */
interface Found {
  value: unknown;
  where: string;
  base: string;
}

/**
 * Each setting from the first source that has it — flag, then `HOOKLINE_*` env, then
 * the config file — checked by its kind's schema. The policies, once for every setting:
 * an empty env value is unset (compose's `${X:-}`); a relative path is resolved against
 * the config file's folder when it came from the file, else against `cwd`; a value of
 * the wrong form is a ConfigError naming the flag, env name or file key and the form.
 */
export function readSettingValues(flags: ServiceFlags, env: NodeJS.ProcessEnv, cwd: string): SettingValues {
  const find = (key: SettingKey, file: ConfigFile | null): Found | undefined => {
    const setting = SETTINGS[key];
    const flag = flags[key];
    if (flag !== undefined && setting.flag) return { value: flag, where: setting.flag, base: cwd };
    const fromEnv = setting.env ? env[setting.env] : undefined;
    if (fromEnv !== undefined && fromEnv !== '' && setting.env)
      return { value: fromEnv, where: setting.env, base: cwd };
    if (file && Object.hasOwn(file.values, key)) {
      return { value: file.values[key], where: `config file ${file.path}: "${key}"`, base: dirname(file.path) };
    }
    return undefined;
  };

  const configAt = find('config', null);
  const file = configAt ? readConfigFile(check('config', configAt) as string, cwd) : null;
  const values: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const found = find(key, file);
    if (found) values[key] = check(key, found);
  }
  return values as SettingValues;
}

function check(key: SettingKey, found: Found): unknown {
  const { kind } = SETTINGS[key];
  const parsed = kind.schema.safeParse(typeof found.value === 'string' ? found.value.trim() : found.value);
  if (!parsed.success) throw new ConfigError(`${found.where} must be ${kind.form}, got ${JSON.stringify(found.value)}`);
  if (!kind.isPath || parsed.data === MEMORY_DATA_DIR) return parsed.data;
  return resolve(found.base, parsed.data as string);
}
