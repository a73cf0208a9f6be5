import { rename } from 'node:fs/promises';
import type { Low } from 'lowdb';
import { storeDataSchema } from './record-schema.js';
import type { ResolvedStoreOptions } from './store-options.js';
import type { StoreData } from './types.js';

/** `captures.json.corrupt-2024-05-01T10-00-00-000Z`: sortable, and safe in any file system. */
export function corruptName(file: string, now: Date): string {
  return `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
}

/**
 * Read and validate the store file. A file that cannot be read or parsed, or
 * whose shape is wrong, is moved aside (never deleted: the user may want it) and
 * an empty store is returned, with a warning. Read-only openers leave it in place.
 */
export async function readStoreData(db: Low<StoreData>, options: ResolvedStoreOptions): Promise<StoreData> {
  let problem: string;
  try {
    await db.read();
    const parsed = storeDataSchema.safeParse(db.data);
    if (parsed.success) return parsed.data;
    problem = `unexpected content (${parsed.error.issues[0]?.message ?? 'invalid'})`;
  } catch (error) {
    problem = (error as Error).message;
  }
  const file = options.file ?? '(memory)';
  const empty: StoreData = { version: 1, nextId: 1, captures: [] };
  db.data = empty;
  if (options.readOnly || options.file === null) {
    options.onWarning(`capture store ${file} is unreadable (${problem}); showing no captures`);
    return empty;
  }
  const aside = corruptName(options.file, options.now());
  try {
    await rename(options.file, aside);
  } catch (error) {
    throw new Error(
      `capture store ${file} is unreadable (${problem}) and cannot be moved aside: ${(error as Error).message}`,
    );
  }
  options.onWarning(`capture store ${file} was unreadable (${problem}); moved it to ${aside} and started a fresh one`);
  return empty;
}
