/**
 * Time to open the inspector with 10 000 stored captures: `hookline http` in a
 * real terminal (tmux, 80×24), from spawn until the list shows them all; the same
 * with an empty store as the baseline. Run: node --import tsx apps/cli/scripts/measure-tui-open.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBytesOrigin } from '../src/test-support/bytes-origin.js';
import { seedCaptures } from '../src/test-support/capture-fixture.js';
import { CLI_BIN } from '../src/test-support/cli-process.js';
import { startTmux } from '../src/test-support/tmux.js';

const COUNT = Number(process.argv[2] ?? 10_000);
const origin = await startBytesOrigin();

async function openTime(count: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'hookline-open-'));
  await seedCaptures(join(dir, 'data'), count, { target: origin.url });
  const started = performance.now();
  const tmux = startTmux(
    [process.execPath, CLI_BIN, 'http', String(origin.port), '--max-captures', String(Math.max(count, 1000))],
    {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      HOOKLINE_DATA_DIR: join(dir, 'data'),
      TERM: 'xterm-256color',
    },
  );
  try {
    await tmux.waitFor(new RegExp(`● online .*\\n${count} captured`), 30_000);
    return performance.now() - started;
  } finally {
    tmux.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

const runs: Record<string, number[]> = { empty: [], full: [] };
for (let round = 0; round < 3; round += 1) {
  runs.empty?.push(Math.round(await openTime(0)));
  runs.full?.push(Math.round(await openTime(COUNT)));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(
  JSON.stringify({
    captures: COUNT,
    medianMsEmpty: median(runs.empty ?? []),
    medianMsFull: median(runs.full ?? []),
    runs,
  }),
);
await origin.close();
