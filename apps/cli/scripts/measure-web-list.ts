/**
 * The web inspector with 10 000 stored captures, in headless chromium: from
 * `page.goto` until the first rows show (time to first list) and until the whole
 * history is loaded, and the frame times while scrolling it end to end. Run:
 * node --import tsx apps/cli/scripts/measure-web-list.ts [count]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser } from '../src/test-support/browser.js';
import { startBytesOrigin } from '../src/test-support/bytes-origin.js';
import { seedCaptures } from '../src/test-support/capture-fixture.js';
import { isolatedEnv, spawnCli } from '../src/test-support/cli-process.js';

const COUNT = Number(process.argv[2] ?? 10_000);
const dir = await mkdtemp(join(tmpdir(), 'hookline-web-measure-'));
const dataDir = join(dir, 'data');
const origin = await startBytesOrigin();
await seedCaptures(dataDir, COUNT, { target: origin.url });

const proc = spawnCli(['http', String(origin.port), '--no-tui', '--name', 'bench', '--max-captures', String(COUNT)], {
  cwd: dir,
  env: isolatedEnv(dir, { HOOKLINE_DATA_DIR: dataDir }),
});
const url = (await proc.waitForLine('stdout', /^Inspector\s+(\S+)$/, 30_000))[1] as string;
const browser = await launchBrowser();
try {
  for (let run = 0; run < 3; run += 1) {
    const page = await browser.context.newPage();
    const start = performance.now();
    await page.goto(url);
    await page.locator('.list .row', { hasText: `/hooks/${COUNT}` }).waitFor();
    const firstList = performance.now() - start;
    await page.getByTestId('count').getByText(`${COUNT} captured`, { exact: true }).waitFor({ timeout: 60_000 });
    const allLoaded = performance.now() - start;
    // Scroll from top to bottom in 200 steps, one per frame, and keep each frame's time.
    const frames = await page.locator('.list').evaluate(async (list) => {
      const times: number[] = [];
      let last = performance.now();
      for (let step = 1; step <= 200; step += 1) {
        list.scrollTop = (list.scrollHeight * step) / 200;
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      return times.sort((a, b) => a - b);
    });
    const p = (q: number) => frames[Math.floor((frames.length - 1) * q)]?.toFixed(1);
    console.log(
      `run ${run + 1}: first list ${firstList.toFixed(0)} ms, all ${COUNT} loaded ${allLoaded.toFixed(0)} ms, scroll frames p50 ${p(0.5)} ms p95 ${p(0.95)} ms max ${p(1)} ms`,
    );
    await page.close();
  }
} finally {
  await browser.close();
  await proc.stop();
  await origin.close();
  await rm(dir, { recursive: true, force: true });
}
