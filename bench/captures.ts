/**
 * The capture history's cost, as users run `hookline http` (CLI build, embedded
 * relay), captures on against `--no-capture` in the same run: CPU per request at
 * c=32, RSS after 1 MiB uploads, time to open 100 000 stored captures
 * (`hookline requests` and the inspector in tmux), and what a kill -9 loses.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CaptureStore, STORE_FILE } from '@hookline/capture';
import autocannon from 'autocannon';
import { seedCaptures } from '../apps/cli/src/test-support/capture-fixture.js';
import { startTmux } from '../apps/cli/src/test-support/tmux.js';
import { startCli } from './cli-tunnel.js';
import { median } from './load.js';
import { counters, residentBytes } from './proc-counters.js';

export interface CaptureRow {
  name: string;
  unit: string;
  /** Captures off, where the row compares. */
  off: number | null;
  on: number;
}

const MiB = 1024 * 1024;
const cli = fileURLToPath(new URL('../apps/cli/bin/hookline.js', import.meta.url));
const oneKb = Buffer.from(JSON.stringify({ id: 'evt_1', data: 'x'.repeat(1000) }).slice(0, 1024));

/** CPU µs of the whole `hookline http` process (relay, client, captures) per 1 KiB POST at c=32. */
async function cpuPerRequest(target: number, capture: boolean, seconds: number): Promise<number> {
  const http = await startCli({ relay: null, target, name: 'cpu', args: capture ? [] : ['--no-capture'] });
  try {
    const options = { url: `${http.url}/hook`, method: 'POST' as const, body: oneKb, connections: 32 };
    await autocannon({ ...options, duration: 1 }); // warm-up
    const before = counters(http.pid).cpuMs;
    const result = await autocannon({ ...options, duration: seconds });
    return ((counters(http.pid).cpuMs - before) * 1000) / result.requests.total;
  } finally {
    await http.stop();
  }
}

/** RSS of `hookline http` after `count` uploads of 1 MiB at c=4 (and its peak). */
async function rssAfterUploads(target: number, capture: boolean, count: number) {
  const http = await startCli({ relay: null, target, name: 'rss', args: capture ? [] : ['--no-capture'] });
  try {
    const body = Buffer.alloc(MiB, 'a');
    await autocannon({ url: `${http.url}/upload`, method: 'POST', body, connections: 4, amount: count });
    await sleep(500); // the last batch commits
    return residentBytes(http.pid);
  } finally {
    await http.stop();
  }
}

function timeCommand(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [cli, ...args], { env }, (error) => {
      if (error) reject(error);
      else resolve(performance.now() - started);
    });
  });
}

function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** From spawn until the inspector (tmux, 80×24) shows `count captured`. */
async function inspectorOpenMs(dataDir: string, home: string, target: number, count: number): Promise<number> {
  const started = performance.now();
  const tmux = startTmux(
    [process.execPath, cli, 'http', String(target), '--max-captures', String(Math.max(count, 1))],
    { PATH: process.env.PATH ?? '', HOME: home, HOOKLINE_DATA_DIR: dataDir, TERM: 'xterm-256color' },
  );
  try {
    await tmux.waitFor(new RegExp(`● online .*\\n${count} captured`), 30_000);
    const elapsed = performance.now() - started;
    // Quit, not kill: the next round must not find this one still holding the data dir
    // (it would wait for it, and measure that).
    tmux.keys(['q']);
    await tmux.waitFor(/\[exited/, 10_000);
    return elapsed;
  } finally {
    tmux.kill();
  }
}

async function postOnce(url: string, body: Buffer): Promise<number> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  await response.arrayBuffer();
  return response.status;
}

/**
 * Sequential POSTs through `hookline http`, a kill -9 after `runMs`, then which
 * answered ones the reopened history lacks: the loss window is how long before
 * the kill the oldest lost one was answered (0 when nothing answered was lost).
 */
async function crashLoss(target: number, runMs: number): Promise<{ lost: number; windowMs: number }> {
  const http = await startCli({ relay: null, target, name: 'crash' });
  const answered: Array<{ path: string; at: number }> = [];
  const until = performance.now() + runMs;
  let i = 0;
  while (performance.now() < until) {
    const path = `/crash/${i++}`;
    if ((await postOnce(`${http.url}${path}`, oneKb)) === 200) answered.push({ path, at: performance.now() });
  }
  const killedAt = performance.now();
  await http.kill();
  const store = await CaptureStore.open({ file: join(http.dataDir, STORE_FILE), readOnly: true });
  const stored = new Set((await store.query({ withoutBodies: true })).map((record) => record.request.path));
  await store.close();
  rmSync(http.dataDir, { recursive: true, force: true });
  const lost = answered.filter((a) => !stored.has(a.path));
  return { lost: lost.length, windowMs: lost.length === 0 ? 0 : killedAt - (lost[0]?.at ?? killedAt) };
}

export async function benchCaptures(
  target: number,
  { quick, runs, seconds }: { quick: boolean; runs: number; seconds: number },
): Promise<CaptureRow[]> {
  const rows: CaptureRow[] = [];
  const cpu = { off: [] as number[], on: [] as number[] };
  for (let round = 0; round < runs; round += 1) {
    cpu.off.push(await cpuPerRequest(target, false, seconds));
    cpu.on.push(await cpuPerRequest(target, true, seconds));
  }
  const [off, on] = [median(cpu.off), median(cpu.on)];
  rows.push({ name: 'hookline http CPU/req, 1 KB c=32', unit: 'µs', off, on });
  rows.push({ name: '  CPU added by captures', unit: '%', off: null, on: ((on - off) / off) * 100 });

  const uploads = quick ? 200 : 1000;
  const rssOff = await rssAfterUploads(target, false, uploads);
  const rssOn = await rssAfterUploads(target, true, uploads);
  rows.push({ name: `RSS after ${uploads} × 1 MiB uploads`, unit: 'MiB', off: rssOff.rss / MiB, on: rssOn.rss / MiB });
  rows.push({ name: '  peak RSS during them', unit: 'MiB', off: rssOff.peak / MiB, on: rssOn.peak / MiB });

  const count = 100_000;
  const home = mkdtempSync(join(tmpdir(), 'hookline-bench-history-'));
  const dataDir = join(home, 'data');
  try {
    await seedCaptures(dataDir, count);
    const env = { ...process.env, HOME: home, HOOKLINE_DATA_DIR: dataDir };
    const listing: number[] = [];
    for (let round = 0; round < runs; round += 1) listing.push(await timeCommand(['requests', '--json'], env));
    rows.push({ name: `hookline requests with ${count} stored`, unit: 'ms', off: null, on: median(listing) });
    if (hasTmux()) {
      const opens: number[] = [];
      for (let round = 0; round < runs; round += 1) opens.push(await inspectorOpenMs(dataDir, home, target, count));
      rows.push({ name: `inspector open with ${count} stored`, unit: 'ms', off: null, on: median(opens) });
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }

  const losses = [];
  for (let round = 0; round < runs; round += 1) losses.push(await crashLoss(target, quick ? 1_000 : 3_000));
  rows.push({
    name: 'kill -9: answered captures lost',
    unit: 'count',
    off: null,
    on: Math.max(...losses.map((l) => l.lost)),
  });
  rows.push({
    name: '  lost window before the kill',
    unit: 'ms',
    off: null,
    on: Math.max(...losses.map((l) => l.windowMs)),
  });
  return rows;
}
