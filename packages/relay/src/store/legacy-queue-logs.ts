import { readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { RelayLogger } from '../options.js';
import type { QueueDatabase } from './queue-database.js';

/** A live webhook of an old `queues/<name>.log`, as its records left it. */
interface LegacyEntry {
  id: string;
  receivedAt: number;
  head: unknown;
  body: string;
  attempts: number;
  nextAttemptAt: number | null;
  status: number | null;
  error: string | null;
}

/**
 * Relays before the SQLite queue kept one JSON-lines log per tunnel
 * (`queues/<name>.log`: enqueue / state / done records). Import what those logs
 * still held into the database once, in arrival order, then rename each log
 * `<name>.log.migrated` (kept, never deleted). A line that does not parse costs
 * that line, reported; a torn last line is a write that was never acknowledged.
 */
export async function importLegacyQueueLogs(dataDir: string, db: QueueDatabase, logger: RelayLogger): Promise<void> {
  const dir = join(dataDir, 'queues');
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.log'));
  } catch {
    return;
  }
  for (const file of files) {
    const tunnel = file.slice(0, -'.log'.length);
    const path = join(dir, file);
    const entries = readLegacyLog(readFileSync(path, 'utf8'), (line, reason) =>
      logger.error({ file: path, line, reason }, 'old queue log: unreadable record skipped'),
    );
    const writes: Array<Promise<void>> = [];
    for (const entry of entries.values()) {
      const seq = db.nextSeq();
      const head = JSON.stringify(entry.head);
      const body = Buffer.from(entry.body, 'base64');
      writes.push(db.insert({ seq, id: entry.id, tunnel, receivedAt: entry.receivedAt, head, body }));
      const state = {
        attempts: entry.attempts,
        nextAttemptAt: entry.nextAttemptAt,
        lastStatus: entry.status,
        lastError: entry.error,
      };
      writes.push(db.saveState(seq, state));
    }
    await Promise.all(writes);
    renameSync(path, `${path}.migrated`);
    logger.info({ tunnel, file: path, entries: entries.size }, 'old queue log imported into the queue database');
  }
}

function readLegacyLog(text: string, skipped: (line: number, reason: string) => void): Map<string, LegacyEntry> {
  const entries = new Map<string, LegacyEntry>();
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      // The last line torn by a crash was never acknowledged: nothing to report.
      if (index < lines.length - 1 || text.endsWith('\n')) skipped(index + 1, String(error));
      continue;
    }
    const id = typeof record.id === 'string' ? record.id : null;
    if (!id) {
      skipped(index + 1, 'record without an id');
      continue;
    }
    if (record.op === 'enqueue' && typeof record.body === 'string' && typeof record.receivedAt === 'number') {
      entries.set(id, {
        id,
        receivedAt: record.receivedAt,
        head: record.head,
        body: record.body,
        attempts: 0,
        nextAttemptAt: 0,
        status: null,
        error: null,
      });
    } else if (record.op === 'state') {
      const entry = entries.get(id);
      if (!entry) continue;
      entry.attempts = Number(record.attempts) || 0;
      entry.nextAttemptAt = typeof record.nextAttemptAt === 'number' ? record.nextAttemptAt : null;
      entry.status = typeof record.status === 'number' ? record.status : null;
      entry.error = typeof record.error === 'string' ? record.error : null;
    } else if (record.op === 'done') {
      entries.delete(id);
    } else {
      skipped(index + 1, `unknown record ${String(record.op)}`);
    }
  }
  return entries;
}
