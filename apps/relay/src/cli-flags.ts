import { parseArgs } from 'node:util';
import { ConfigError } from './config-error.js';
import { SETTING_KEYS, SETTINGS, type SettingKey } from './settings-table.js';

/** Flags exactly as given; every value is a string until the settings function validates it. */
export type ServiceFlags = Partial<Record<SettingKey, string>> & { help?: boolean; version?: boolean };

/** `--trust-proxy` is a switch on the command line (`true` in env or file). */
const isSwitch = (key: SettingKey) => SETTINGS[key].kind.arg === '';

const FLAG_KEYS = new Map(SETTING_KEYS.flatMap((key) => (SETTINGS[key].flag ? [[SETTINGS[key].flag, key]] : [])));

/** Parse argv (without node and script) with the settings table's flags; a mistake is a ConfigError. */
export function parseFlags(argv: readonly string[]): ServiceFlags {
  const options = Object.fromEntries(
    [...FLAG_KEYS].map(([flag, key]) => [flag.slice(2), { type: isSwitch(key) ? 'boolean' : 'string' } as const]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } },
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    throw new ConfigError(flagProblem(error as NodeJS.ErrnoException));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const flags: ServiceFlags = {};
  for (const [flag, key] of FLAG_KEYS) {
    const value = values[flag.slice(2)];
    if (typeof value === 'string') flags[key] = value;
    if (value === true) flags[key] = 'true';
  }
  if (values.help === true) flags.help = true;
  if (values.version === true) flags.version = true;
  return flags;
}

/** node's messages can span lines and suggest `--flag=-value`; the operator needs one line naming the flag. */
function flagProblem(error: NodeJS.ErrnoException): string {
  const quoted = /'([^']*)'/.exec(error.message)?.[1]?.split(' ')[0] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted} (see --help)`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${quoted} (settings are --flags; see --help)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      if (error.message.includes('does not take')) return `option ${quoted} takes no value`;
      const key = FLAG_KEYS.get(quoted);
      return key ? `option ${quoted} needs ${SETTINGS[key].kind.form}` : `option ${quoted} needs a value`;
    }
    default:
      return error.message.split('\n')[0] ?? error.message;
  }
}
