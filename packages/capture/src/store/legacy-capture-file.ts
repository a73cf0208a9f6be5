import { existsSync, readFileSync, renameSync } from 'node:fs';
import { storeDataSchema } from '../record-schema.js';
import type { StoreData } from '../types.js';

/** `captures.json.corrupt-2024-05-01T10-00-00-000Z`: sortable, and safe in any file system. */
export function corruptName(file: string, now: Date): string {
  return `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
}

export type LegacyRead = { kind: 'none' } | { kind: 'ok'; data: StoreData } | { kind: 'unreadable'; problem: string };

/**
 * The lowdb `captures.json` of hookline before the SQLite log. Read once, when a
 * writable store opens next to it; then renamed (`.migrated`, or `.corrupt-…`
 * when it cannot be read), never deleted: it is the user's history.
 */
export function readLegacyCaptures(file: string): LegacyRead {
  if (!existsSync(file)) return { kind: 'none' };
  try {
    const parsed = storeDataSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return { kind: 'ok', data: parsed.data };
    return { kind: 'unreadable', problem: `unexpected content (${parsed.error.issues[0]?.message ?? 'invalid'})` };
  } catch (error) {
    return { kind: 'unreadable', problem: (error as Error).message };
  }
}

/** Leave the imported file beside the database as `<file>.migrated`. */
export function markMigrated(file: string): string {
  const done = `${file}.migrated`;
  renameSync(file, done);
  return done;
}
