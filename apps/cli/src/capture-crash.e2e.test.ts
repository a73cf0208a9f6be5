import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { bodyBytes, CaptureStore, STORE_FILE } from '@hookline/capture';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BytesOrigin, sendBytes, startBytesOrigin } from './test-support/bytes-origin.js';
import { type CliProcess, ensureCliBuilt, isolatedEnv, startHttpCli, stopAllCli } from './test-support/cli-process.js';

let dir = '';
let dataDir = '';
let target: BytesOrigin;

beforeAll(ensureCliBuilt, 120_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookline-crash-e2e-'));
  dataDir = join(dir, 'data');
  target = await startBytesOrigin();
});

afterEach(async () => {
  await stopAllCli();
  await target.close();
  await rm(dir, { recursive: true, force: true });
});

const startHttp = () =>
  startHttpCli(target.port, 'crash', { cwd: dir, env: isolatedEnv(dir, { HOOKLINE_DATA_DIR: dataDir }) });

/**
 * A body of its own per request, with every byte value in it, so any mix-up or damage shows.
 * Every fifth is big enough to be kept as a file beside the database (128 KiB or more).
 */
function bodyFor(i: number): Buffer {
  const body = Buffer.alloc(2048 + (i % 7) * 1000 + (i % 5 === 0 ? 200_000 : 0));
  for (let j = 0; j < body.length; j += 1) body[j] = (i * 7 + j) % 256;
  return body;
}

async function killHard(proc: CliProcess): Promise<void> {
  proc.child.kill('SIGKILL');
  expect((await proc.exited).signal).toBe('SIGKILL');
}

/** What survived, read as the next `hookline http` would: the store reopened from the file. */
async function survivors(): Promise<Array<{ id: number; path: string; body: Buffer }>> {
  const warnings: string[] = [];
  const store = await CaptureStore.open({ file: join(dataDir, STORE_FILE), onWarning: (m) => warnings.push(m) });
  try {
    expect(warnings).toEqual([]); // not moved aside: the file is whole
    return (await store.query()).reverse().map((record) => ({
      id: Number(record.id),
      path: record.request.path,
      body: bodyBytes(record.request.body),
    }));
  } finally {
    await store.close();
  }
}

describe('captures survive kill -9', () => {
  it('loses nothing answered more than a second before the kill', async () => {
    const { proc, base } = await startHttp();
    for (let i = 0; i < 40; i += 1) expect(await sendBytes(`${base}/hook/${i}`, 'POST', {}, bodyFor(i))).toBe(200);
    // Batches commit every 100 ms; the promise is "at most the last second".
    await sleep(1_000);
    await killHard(proc);
    const stored = await survivors();
    expect(stored.map((s) => s.path)).toEqual(Array.from({ length: 40 }, (_, i) => `/hook/${i}`));
    for (const [i, s] of stored.entries()) expect(s.body.equals(bodyFor(i))).toBe(true);
  });

  it('killed mid-load: the history reopens whole, in order, every stored body intact', async () => {
    const { proc, base } = await startHttp();
    let answered = 0;
    let next = 0;
    const worker = async () => {
      while (next < 2_000) {
        const i = next++;
        try {
          if ((await sendBytes(`${base}/load/${i}`, 'POST', {}, bodyFor(i))) === 200) answered += 1;
        } catch {
          return; // the tunnel died under us: that is the point
        }
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, worker));
    while (answered < 150) await sleep(5);
    await killHard(proc);
    await load;
    const stored = await survivors();
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThanOrEqual(answered + 8);
    // Ids have no holes (a batch commits whole or not at all), and every body is the one sent for its path.
    expect(stored.map((s) => s.id)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    for (const s of stored) {
      const i = Number(s.path.split('/').at(-1));
      expect(s.body.equals(bodyFor(i))).toBe(true);
    }
    // And the next `hookline http` takes the data dir over (the dead owner's lock is stale) and goes on.
    const again = await startHttp();
    expect(await sendBytes(`${again.base}/after`, 'POST', {}, bodyFor(0))).toBe(200);
    await again.proc.stop();
    expect((await survivors()).at(-1)?.path).toBe('/after');
  });
});
