/**
 * Capture overhead on forwarding: req/s through `hookline http --no-tui` with
 * captures on and with `--no-capture`, alternating in one run (1 KiB POST, c=32).
 * Run: node --import tsx apps/cli/scripts/measure-capture-overhead.ts [seconds]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startBytesOrigin } from '../src/test-support/bytes-origin.js';
import { isolatedEnv, spawnCli, stopAllCli } from '../src/test-support/cli-process.js';

const seconds = Number(process.argv[2] ?? 5);
const dir = await mkdtemp(join(tmpdir(), 'hookline-overhead-'));
const origin = await startBytesOrigin();
const body = Buffer.alloc(1024, 'x');

async function measure(capture: boolean): Promise<number> {
  const args = ['http', String(origin.port), '--no-tui', '--name', capture ? 'on' : 'off', '--max-captures', '1000'];
  const proc = spawnCli(capture ? args : [...args, '--no-capture'], { cwd: dir, env: isolatedEnv(dir) });
  const match = await proc.waitForLine('stdout', /^\s+(http:\/\/\S+\/t\/\S+)$/);
  const url = new URL(match[1] as string);
  const result = await autocannon({
    url: `http://127.0.0.1:${url.port}${url.pathname}/hook`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    connections: 32,
    duration: seconds,
  });
  origin.received.length = 0; // the origin keeps bodies; do not let it grow
  await proc.stop();
  return result.requests.average;
}

const results: Record<string, number[]> = { on: [], off: [] };
for (let round = 0; round < 2; round += 1) {
  results.off?.push(await measure(false));
  results.on?.push(await measure(true));
}
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const on = mean(results.on ?? []);
const off = mean(results.off ?? []);
console.log(
  JSON.stringify({
    seconds,
    reqPerSecCaptureOn: Math.round(on),
    reqPerSecCaptureOff: Math.round(off),
    ratio: +(on / off).toFixed(3),
    rounds: results,
  }),
);
await stopAllCli();
await origin.close();
await rm(dir, { recursive: true, force: true });
