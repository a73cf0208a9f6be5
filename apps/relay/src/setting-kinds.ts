import { z } from 'zod';

/**
 * What a setting's value may look like. One schema reads every source: flags and
 * env give strings, a config file gives JSON values (so `4747` and `"4747"` are
 * both a port there). `form` is the accepted form as the operator reads it in an
 * error line (`--port must be <form>, got "x"`), `arg` its placeholder in --help.
 */
export interface SettingKind<T> {
  readonly schema: z.ZodType<T>;
  readonly form: string;
  readonly arg: string;
  /** A file or folder: a relative value is resolved (against the config file's folder, else cwd). */
  readonly isPath?: boolean;
}

const kind = <T>(schema: z.ZodType<T>, form: string, arg: string): SettingKind<T> => ({ schema, form, arg });

/** A plain decimal, as text or a JSON number: no `0x10`, no `1e3`, no `10MB`. */
const decimal = z.union([
  z.number(),
  z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number),
]);
const whole = decimal.pipe(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER));

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Seconds when bare (`30`, `2.5`), else with a unit (`500ms`, `10m`, `7d`); the value is in ms. */
const durationMs = z
  .union([
    z.number().transform((seconds) => seconds * 1_000),
    z
      .string()
      .regex(/^\d+(\.\d+)?(ms|s|m|h|d)?$/)
      .transform((text) => {
        const [, amount, unit] = /^([\d.]+)([a-z]*)$/.exec(text) as RegExpExecArray;
        return Number(amount) * (DURATION_UNITS[unit || 's'] as number);
      }),
  ])
  .pipe(z.number().min(0).max(Number.MAX_SAFE_INTEGER))
  .transform(Math.round);

const text = z.string().min(1);
const httpUrl = text.refine((value) => /^https?:\/\//.test(value) && URL.canParse(value));
const DURATION_FORM = 'seconds (30, 2.5) or a number with ms, s, m, h or d (500ms, 10m, 7d)';

export const kinds = {
  text: kind(text, 'a non-empty string', '<text>'),
  path: { ...kind(text, 'a path', '<path>'), isPath: true },
  port: kind(decimal.pipe(z.number().int().min(0).max(65_535)), 'a port number 0-65535', '<port>'),
  count: kind(whole, 'a whole number, 1 or more', '<n>'),
  bytes: kind(whole, 'a whole number of bytes, 1 or more', '<bytes>'),
  /** A positive amount that may be fractional (requests per second, days). */
  amount: kind(decimal.pipe(z.number().positive()), 'a number above 0', '<n>'),
  duration: kind(durationMs.pipe(z.number().positive()), `a duration above 0: ${DURATION_FORM}`, '<duration>'),
  /** 0 allowed: e.g. no shutdown grace at all. */
  durationOrZero: kind(durationMs, `a duration: ${DURATION_FORM}`, '<duration>'),
  boolean: kind(
    z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1')]),
    'true or false',
    '',
  ),
  httpUrl: kind(httpUrl, 'a URL starting with http:// or https://', '<url>'),
  redisUrl: kind(
    text.refine((value) => /^rediss?:\/\//.test(value)),
    'a URL starting with redis:// or rediss://',
    '<url>',
  ),
  /** Shared secrets and bearer tokens: short enough to be guessed is too short. */
  secret: kind(z.string().min(16), 'at least 16 characters', '<secret>'),
  /** A secret sent as `Authorization: Bearer …`: RFC 6750's token characters, or no caller could send it. */
  bearerSecret: kind(
    z
      .string()
      .min(16)
      .regex(/^[A-Za-z0-9._~+/-]+=*$/),
    'at least 16 characters of A-Z a-z 0-9 . _ ~ + / - (a bearer token)',
    '<token>',
  ),
  /** Comma-separated (`a, b`), blanks dropped. */
  list: kind(
    z.string().transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    ),
    'a comma-separated list',
    '<a,b>',
  ),
  choice<const T extends readonly [string, ...string[]]>(
    values: T,
    arg = `<${values.join('|')}>`,
  ): SettingKind<T[number]> {
    return kind(z.enum(values), `one of ${values.join(', ')}`, arg);
  },
};
