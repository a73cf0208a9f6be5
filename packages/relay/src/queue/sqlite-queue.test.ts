import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleRequestHead } from '@hookline/testing';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QUEUE_DATABASE_FILE, QueueDatabase } from '../store/queue-database.js';
import { DEFAULT_QUEUE_LIMITS } from './queue-limits.js';
import { SqliteQueue } from './sqlite-queue.js';

const head = (target: string) => sampleRequestHead(target);

describe('SqliteQueue: one damaged record costs that record, reported by id', () => {
  let dir: string;
  let logs: Array<{ message: string; fields: Record<string, unknown> }>;
  let open: QueueDatabase[];
  const logger = {
    info() {},
    warn() {},
    error: (fields: object, message: string) => logs.push({ message, fields: fields as Record<string, unknown> }),
  };
  const reopen = async () => {
    for (const db of open.splice(0)) await db.close();
    const db = QueueDatabase.open(dir, logger);
    open.push(db);
    return new SqliteQueue('shop', db, DEFAULT_QUEUE_LIMITS, logger);
  };
  /** Change the file behind the relay's back, as a bad disk or a bad hand would. */
  const tamper = async (sql: string, ...params: unknown[]) => {
    for (const db of open.splice(0)) await db.close();
    const raw = new Database(join(dir, QUEUE_DATABASE_FILE));
    raw.prepare(sql).run(...params);
    raw.close();
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-sqlite-queue-'));
    logs = [];
    open = [];
  });
  afterEach(async () => {
    for (const db of open) await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never delivers a body that fails its checksum: that entry becomes failed, the rest go on', async () => {
    const queue = await reopen();
    const bad = await queue.enqueue(head('/bad'), Buffer.from('original bytes'));
    const good = await queue.enqueue(head('/good'), Buffer.from('fine'));
    await tamper('UPDATE deliveries SET body = ? WHERE id = ?', Buffer.from('0riginal bytes'), bad.id);
    const after = await reopen();
    const [first, second] = after.entries();
    await expect(after.body(first as never)).rejects.toMatchObject({ code: 'E_STORE_UNAVAILABLE' });
    expect(after.get(bad.id)).toMatchObject({ state: 'failed', lastError: expect.stringMatching(/checksum/) });
    expect((await after.body(second as never)).toString()).toBe('fine');
    expect(second?.id).toBe(good.id);
    expect(logs).toEqual([expect.objectContaining({ fields: expect.objectContaining({ delivery: bad.id }) })]);
  });

  it('skips a row whose head does not parse, names it, and keeps the others in order', async () => {
    const queue = await reopen();
    const ids = [];
    for (const target of ['/a', '/b', '/c']) ids.push((await queue.enqueue(head(target), Buffer.from(target))).id);
    await tamper('UPDATE deliveries SET head = ? WHERE id = ?', '{"method": "POST", "tar', ids[1]);
    const after = await reopen();
    expect(after.entries().map((entry) => entry.head.target)).toEqual(['/a', '/c']);
    expect(logs.map((log) => [log.message.startsWith('QUEUED WEBHOOK DAMAGED'), log.fields.delivery])).toEqual([
      [true, ids[1]],
    ]);
  });

  it('keeps arrival order, attempts and failed state across a reopen', async () => {
    const queue = await reopen();
    const limits = { ...DEFAULT_QUEUE_LIMITS, maxAttempts: 1 };
    const strict = new SqliteQueue('shop', open[0] as QueueDatabase, limits, logger);
    const doomed = await strict.enqueue(head('/doomed'), Buffer.from('x'));
    await strict.settle(doomed, { status: 500, error: null });
    await queue.enqueue(head('/later'), Buffer.from('y'));
    const after = await reopen();
    expect(after.entries().map((e) => [e.head.target, e.state, e.attempts])).toEqual([
      ['/doomed', 'failed', 1],
      ['/later', 'pending', 0],
    ]);
  });
});
