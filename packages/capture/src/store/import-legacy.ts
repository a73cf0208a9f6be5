import { renameSync } from 'node:fs';
import type { CaptureDatabase } from './capture-database.js';
import { toRow } from './capture-row.js';
import { InlineCaptureWriter } from './capture-writer.js';
import { corruptName, markMigrated, readLegacyCaptures } from './legacy-capture-file.js';

interface ImportOptions {
  onWarning: (message: string) => void;
  now: () => Date;
}

/**
 * Import an old `captures.json` into the database, once: its records keep their
 * ids (INSERT OR REPLACE, so an import interrupted before the rename just runs
 * again), then the file becomes `captures.json.migrated`. One that cannot be
 * read is moved aside as before (`.corrupt-<time>`), with a warning. Runs on
 * this thread at open, before the writer thread starts.
 */
export function importLegacyCaptures(database: CaptureDatabase, file: string, options: ImportOptions): boolean {
  const read = readLegacyCaptures(file);
  if (read.kind === 'none') return false;
  if (read.kind === 'unreadable') {
    const aside = corruptName(file, options.now());
    renameSync(file, aside);
    options.onWarning(`capture store ${file} was unreadable (${read.problem}); moved it to ${aside}`);
    return false;
  }
  const rows = read.data.captures.map((record) => toRow(record));
  new InlineCaptureWriter(database.connection).apply({ rows, evictUpTo: null });
  const done = markMigrated(file);
  if (rows.length > 0) options.onWarning(`imported ${rows.length} captures from ${file} (kept as ${done})`);
  return true;
}
