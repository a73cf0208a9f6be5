import { spawnSync } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE } from './paths.js';
import { acquireStoreLock, readStoreLock } from './store-lock.js';
import { tempDir } from './test-support/temp-dir.js';

let dir: Awaited<ReturnType<typeof tempDir>>;

beforeEach(async () => {
  dir = await tempDir();
});

afterEach(async () => {
  await dir.remove();
});

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('acquireStoreLock', () => {
  it('gives the lock to one holder; a second attempt sees the owner and its port', async () => {
    const first = await acquireStoreLock(dir.path, { port: 1234 });
    expect(first.acquired).toBe(true);
    const second = await acquireStoreLock(dir.path);
    expect(second).toMatchObject({ acquired: false, owner: { pid: process.pid, port: 1234 } });
    expect((await stat(join(dir.path, LOCK_FILE))).mode & 0o777).toBe(0o600);
    if (first.acquired) await first.lock.release();
    expect((await acquireStoreLock(dir.path)).acquired).toBe(true);
  });

  it('takes over a lock whose process is gone', async () => {
    await writeFile(join(dir.path, LOCK_FILE), JSON.stringify({ pid: deadPid(), port: 1, token: 'old', startedAt: 0 }));
    expect(await readStoreLock(dir.path)).toEqual({ owner: null, stale: true });
    const attempt = await acquireStoreLock(dir.path, { port: 99 });
    expect(attempt.acquired).toBe(true);
    expect(JSON.parse(await readFile(join(dir.path, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, port: 99 });
  });

  it('does not remove a lock that another holder has taken since', async () => {
    const attempt = await acquireStoreLock(dir.path);
    if (!attempt.acquired) throw new Error('expected the lock');
    const other = JSON.stringify({ pid: process.pid, port: 5, token: 'someone-else', startedAt: 0 });
    await writeFile(join(dir.path, LOCK_FILE), other);
    await attempt.lock.release();
    expect(await readFile(join(dir.path, LOCK_FILE), 'utf8')).toBe(other);
  });
});
