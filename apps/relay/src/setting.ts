import type { SettingKind } from './setting-kinds.js';

/**
 * One row of the settings table. `flag: null`: not on the command line (a token
 * there is readable by every user in `ps`). `file: false`: not in the config file.
 */
export interface Setting<T = unknown> {
  readonly flag: string | null;
  readonly env: string;
  readonly file: boolean;
  readonly kind: SettingKind<T>;
  readonly group: SettingGroup;
  readonly about: string;
  /** As documented; the values themselves are applied by the settings function or the relay. */
  readonly default: string;
}

export type SettingGroup = 'service' | 'access' | 'limits' | 'queue' | 'cluster';

const MiB = 1024 * 1024;
/** Byte counts as README and --help show them: `33554432 (32 MiB)`. */
export const bytes = (n: number) =>
  n % MiB === 0 ? `${n} (${n / MiB} MiB)` : n % 1024 === 0 ? `${n} (${n / 1024} KiB)` : `${n}`;
/** Milliseconds in the largest unit that divides them: `7d`, `10m`, `500ms`. */
export const duration = (ms: number) => {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
};

interface Entry {
  flag: string | null;
  env: string;
  about: string;
  default: string;
  /** A placeholder that says more in --help than the kind's own (`<dir>` rather than `<path>`). */
  arg?: string;
  /** @default true */
  file?: boolean;
}

export const setting = <T>(kind: SettingKind<T>, group: SettingGroup, entry: Entry): Setting<T> => ({
  flag: entry.flag,
  env: entry.env,
  file: entry.file ?? true,
  kind: entry.arg ? { ...kind, arg: entry.arg } : kind,
  group,
  about: entry.about,
  default: entry.default,
});
