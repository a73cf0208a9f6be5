import { SETTING_KEYS, SETTINGS, type SettingGroup, type SettingKey } from './settings-table.js';

const HEADINGS: Record<SettingGroup, string> = {
  service: 'Service',
  access: 'Access',
  limits: 'Limits',
  queue: 'Offline queue (per tunnel)',
  cluster: 'Cluster mode (all three, or none)',
};

/** `--help` of the relay program, made from the settings table; `program` is how it was started. */
export function usage(program: string): string {
  const lines = [
    `Usage: ${program} [options]`,
    '',
    'Settings: flags > HOOKLINE_* env > --config file (JSON; keys as in README) > defaults.',
    'An empty env value counts as unset. Durations: seconds (30) or 500ms, 10m, 2h, 7d.',
  ];
  const shown = (key: SettingKey) => {
    const { flag, env, kind } = SETTINGS[key];
    return flag ? `${flag} ${kind.arg}`.trimEnd() : `(env ${env})`;
  };
  const width = Math.max(...SETTING_KEYS.map((key) => shown(key).length));
  for (const group of Object.keys(HEADINGS) as SettingGroup[]) {
    lines.push('', `${HEADINGS[group]}:`);
    for (const key of SETTING_KEYS) {
      const setting = SETTINGS[key];
      if (setting.group !== group) continue;
      const env = setting.flag && setting.env ? `${setting.env}; ` : '';
      lines.push(`  ${shown(key).padEnd(width)}  ${setting.about} (${env}default: ${setting.default})`);
    }
  }
  lines.push('', `  ${'--help, -h'.padEnd(width)}  this text`, `  ${'--version'.padEnd(width)}  the version`, '');
  return lines.join('\n');
}
