import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CaptureDraft, CaptureStore, STORE_FILE, wholeBody } from '@hookline/capture';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureCliBuilt, isolatedEnv, runCli } from './test-support/cli-process.js';
import { type Origin, startOrigin } from './test-support/origin.js';

const MINUTE = 60_000;

describe('hookline replay --filter/--since: a batch (real process, real local server)', () => {
  let dir: string;
  let data: string;
  let origin: Origin;

  beforeEach(async () => {
    ensureCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'hookline-cli-batch-'));
    data = join(dir, 'captures');
    origin = await startOrigin();
  });

  afterEach(async () => {
    await origin.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const draft = (path: string, status: number, agoMs: number, extra: Partial<CaptureDraft> = {}): CaptureDraft => ({
    tunnel: 'shop',
    origin: 'live',
    replayOf: null,
    target: `http://127.0.0.1:${origin.port}/`,
    startedAt: Date.now() - agoMs,
    request: {
      method: 'POST',
      path,
      headers: ['Content-Type', 'application/json'],
      body: wholeBody(Buffer.from(`{"path":"${path}"}`)),
      remoteAddress: '127.0.0.1',
      protocol: 'http',
      host: 'shop.localhost',
    },
    response: { status, statusText: '', headers: [], body: wholeBody(Buffer.alloc(0)) },
    timings: { waitMs: 1, totalMs: 1 },
    error: null,
    ...extra,
  });

  const seed = async (drafts: CaptureDraft[]) => {
    const store = await CaptureStore.open({ file: join(data, STORE_FILE) });
    for (const d of drafts) store.add(d);
    await store.close();
  };

  const replay = (args: string[]) =>
    runCli(['replay', ...args, '--data-dir', data], { cwd: dir, env: isolatedEnv(dir) });

  it('replays matching captures oldest first, refuses truncated ones by count, and sums up', async () => {
    await seed([
      draft('/stripe/b', 500, 20 * MINUTE),
      draft('/stripe/a', 502, 30 * MINUTE),
      draft('/stripe/old', 500, 3 * 60 * MINUTE),
      draft('/stripe/ok', 200, 5 * MINUTE),
      draft('/github/x', 500, 5 * MINUTE),
      draft('/stripe/cut', 500, 10 * MINUTE, {
        request: {
          ...draft('/stripe/cut', 500, 0).request,
          body: { bytes: Buffer.from('{"pa'), size: 9_000, truncated: true },
        },
      }),
      draft('/stripe/c', 503, 1 * MINUTE),
    ]);
    const result = await replay(['--filter', 'status:5xx path:/stripe', '--since', '1h']);
    expect(origin.requests.map((r) => r.url)).toEqual(['/stripe/a', '/stripe/b', '/stripe/c']);
    expect(result.stdout).toMatch(/^replayed 2 as 8: 200 OK in .+\nreplayed 1 as 9: 200/);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('sent 3: 3 2xx, 0 other; 0 failed; 1 truncated refused');
    expect(result.stderr).toMatch(/6 refused: only the first bytes of its body are stored \(E_CAPTURE_TRUNCATED\)/);
    expect(result.code).toBe(1);

    // The replays are captures too, but a second batch over the same filter leaves them out.
    await replay(['--filter', 'path:/stripe/a', '--since', '1h']);
    expect(origin.requests.map((r) => r.url).slice(3)).toEqual(['/stripe/a']);
  });

  it('refuses a batch over --max before sending anything, and counts a dead target as failed', async () => {
    await seed([draft('/a', 500, MINUTE), draft('/b', 500, MINUTE), draft('/c', 500, MINUTE)]);
    const over = await replay(['--filter', 'status:5xx', '--max', '2']);
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(/3 captures match; a batch replays at most 2 .*\(E_BATCH_TOO_LARGE\)/);
    expect(origin.requests).toHaveLength(0);

    await origin.close();
    const dead = await replay(['--filter', 'path:/a']);
    expect(dead.code).toBe(1);
    expect(dead.stderr).toMatch(/replay of 1 \(as 4\) failed: .*\(E_LOCAL_REFUSED\)/);
    expect(dead.stdout.trim()).toBe('sent 0: 0 2xx, 0 other; 1 failed');

    const usage = await replay(['3', '--filter', 'x']);
    expect(usage.stderr).toMatch(/give a capture id or --filter\/--since for a batch, not both/);
    expect((await replay(['--since', 'soon'])).stderr).toMatch(/--since must be a duration such as 90s/);
  });
});
