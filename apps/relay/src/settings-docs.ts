import { SETTING_KEYS, SETTINGS } from './settings-table.js';

/** README marks the generated table with these lines; everything between them is replaced. */
const TABLE_START = '<!-- relay settings: generated from apps/relay/src/settings-table.ts -->';
const TABLE_END = '<!-- end of relay settings -->';

const code = (text: string) => `\`${text.replaceAll('|', '\\|')}\``;
/** Prose with `<name>`-style placeholders, which a Markdown renderer would take for HTML tags. */
const prose = (text: string) => text.replaceAll('|', '\\|').replace(/\S*<[^>\s]+>\S*/g, (word) => `\`${word}\``);

/** README's settings table, one row per setting of the table, in its order. */
function settingsMarkdown(): string {
  const rows = SETTING_KEYS.map((key) => {
    const { flag, env, file, kind, about, default: fallback } = SETTINGS[key];
    const flagCell = flag ? code(`${flag} ${kind.arg}`.trimEnd()) : '';
    const cells = [flagCell, env ? code(env) : '', file ? code(key) : '', prose(about), prose(fallback)];
    return `| ${cells.join(' | ')} |`;
  });
  return ['| flag | env | file key | what | default |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** `readme` with its generated section replaced by the current table. */
export function withSettingsTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README has no "${TABLE_START}" … "${TABLE_END}" section`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${settingsMarkdown()}\n${readme.slice(end)}`;
}
