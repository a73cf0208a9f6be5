import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withSettingsTable } from './settings-docs.js';
import { SETTING_KEYS, SETTINGS } from './settings-table.js';
import { usage } from './usage.js';

const kebab = (key: string) => key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

describe('the settings table', () => {
  it('names each setting one way: --kebab-flag, HOOKLINE_SNAKE env, camelCase file key', () => {
    // Older names kept as they are: the Redis URL's env says what it is.
    const exceptions: Record<string, string> = { redis: 'HOOKLINE_REDIS_URL', tokens: 'HOOKLINE_RELAY_TOKENS' };
    for (const key of SETTING_KEYS) {
      const { flag, env } = SETTINGS[key];
      if (flag !== null) expect(flag, key).toBe(`--${kebab(key)}`);
      const expected = exceptions[key] ?? `HOOKLINE_${kebab(key).replaceAll('-', '_').toUpperCase()}`;
      expect(env, key).toBe(expected);
    }
  });

  it('gives every setting a flag except secrets that would show in ps', () => {
    expect(SETTING_KEYS.filter((key) => SETTINGS[key].flag === null)).toEqual(['tokens']);
  });

  it('lists every flag in --help', () => {
    const text = usage('hookline relay');
    for (const key of SETTING_KEYS) expect(text).toContain(SETTINGS[key].flag ?? SETTINGS[key].env);
  });

  it("matches README's settings table (else: npm run settings-table -w @hookline/relay-service)", () => {
    const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
    expect(readme).toBe(withSettingsTable(readme));
  });
});
