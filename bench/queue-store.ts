/**
 * The durable offline queue's store, measured against a relay process
 * (bench/queue-store-relay.ts, bundled like the rest) whose data dir is on a real
 * disk (never tmpfs: an fsync there costs nothing):
 *  - enqueue rate with the client offline (every 202 = committed): 1 KB JSON at
 *    c=1 and c=32 (keep-alive connections back to back), req/s and p50/p99;
 *  - drain rate: N webhooks queued, then the client connects (a process, serial or
 *    parallel:4) to an origin answering 200 at once; first to last delivery;
 *  - time per commit in the queue's writer thread (`queueCommitStats()`: mean,
 *    max, writes per commit, share of wall time) and the relay's event-loop delay
 *    (monitorEventLoopDelay, 1 ms) while enqueueing: since commits run on the
 *    writer thread, the loop delay is what the relay's requests feel.
 * In a full run each measurement gets a fresh relay and data dir, so one cannot
 * inherit another's backlog or commit maximum. Figures only: nothing here asserts a time.
 *
 * Standalone: `node --import tsx bench/queue-store.ts [--quick] [--runs N] [--json FILE]`;
 * also a section of `npm run bench`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectTunnel } from '@hookline/client';
import { createToken } from '@hookline/relay';
import { spawnTs } from '@hookline/testing';
import { type BenchProcess, benchScripts } from './build.js';
import { median } from './load.js';
import { LOAD_RELAY_OPTIONS } from './processes.js';
import type { CommitFigures, RelayRequest, RelaySample } from './queue-store-relay.js';
import { DEPLOYED_RELAY_ENV } from './relay-env.js';

type Scripts = Record<BenchProcess, string>;
type QueueMode = 'serial' | `parallel:${number}`;

export interface QueueStoreOptions {
  quick: boolean;
  /** Rounds of every measurement; the rows are medians. */
  runs: number;
}

export interface QueueStoreRow {
  name: string;
  unit: string;
  /** null: not measurable on this relay (no `queueCommitStats` before the SQLite store). */
  value: number | null;
}

/**
 * Where the data dirs go: the system temp dir unless that is tmpfs, then bench/.build
 * (the repo's disk); HOOKLINE_BENCH_QUEUE_DIR overrides (say, to compare with tmpfs).
 */
function dataRoot(): { root: string; fsType: string; device: string } {
  const forced = process.env.HOOKLINE_BENCH_QUEUE_DIR;
  const candidates = forced ? [forced] : [tmpdir(), fileURLToPath(new URL('./.build', import.meta.url))];
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields.length > 2);
  for (const root of candidates) {
    const path = resolve(root);
    // The mount holding `path`: the longest mount point it lies under.
    let best = { point: '', device: '?', fsType: '?' };
    for (const [device = '?', point = '', fsType = '?'] of mounts) {
      const under = path === point || path.startsWith(point.endsWith('/') ? point : `${point}/`);
      if (under && point.length >= best.point.length) best = { point, device, fsType };
    }
    // HOOKLINE_BENCH_QUEUE_DIR is taken as given (the header then shows its filesystem).
    if (forced || (best.fsType !== 'tmpfs' && best.fsType !== 'ramfs')) {
      mkdirSync(path, { recursive: true });
      return { root: path, fsType: best.fsType, device: best.device };
    }
  }
  throw new Error('no data dir root off tmpfs: the queue bench would measure memory, not a disk');
}

interface QueueRelay {
  url: string;
  port: number;
  ask(command: RelayRequest['command']): Promise<RelaySample>;
  stop(): Promise<void>;
}

async function startQueueRelay(scripts: Scripts, dataDir: string): Promise<QueueRelay> {
  const options = {
    ...LOAD_RELAY_OPTIONS,
    dataDir,
    auth: 'required',
    queue: { maxEntries: 10_000_000, maxBytes: 64 * 2 ** 30 },
  };
  const script = scripts['queue-relay'];
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child: ChildProcess = spawn(process.execPath, [...loader, script, JSON.stringify({ options })], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production', ...DEPLOYED_RELAY_ENV },
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const waiting = new Map<number, (sample: RelaySample) => void>();
  let nextId = 0;
  const ready = await new Promise<{ url: string; port: number }>((done, fail) => {
    const timer = setTimeout(() => fail(new Error('queue bench relay not ready in 20 s')), 20_000);
    child.on('message', (message: { ready?: { url: string; port: number }; id?: number; sample?: RelaySample }) => {
      if (message.ready) {
        clearTimeout(timer);
        done(message.ready);
      } else if (message.id !== undefined && message.sample) {
        waiting.get(message.id)?.(message.sample);
        waiting.delete(message.id);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`queue bench relay exited with ${code}`));
    });
  });
  return {
    ...ready,
    ask(command) {
      const id = nextId++;
      return new Promise((done) => {
        waiting.set(id, done);
        child.send({ id, command } satisfies RelayRequest);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A local server answering 200 at once, counting what it saw and when the first and last came. */
async function countingOrigin() {
  const seen = { count: 0, first: 0, last: 0 };
  const server = createServer((req, res) => {
    req.resume().on('end', () => {
      const now = performance.now();
      if (seen.count === 0) seen.first = now;
      seen.count += 1;
      seen.last = now;
      res.end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** 1 KB of JSON, a webhook's typical size. */
const BODY = (() => {
  const shell = JSON.stringify({ id: 'evt_1', type: 'invoice.paid', data: '' });
  return Buffer.from(JSON.stringify({ id: 'evt_1', type: 'invoice.paid', data: 'x'.repeat(1024 - shell.length) }));
})();

type Origin = Awaited<ReturnType<typeof countingOrigin>>;

/** What one measurement runs against: a relay process on its data dir, its token, the local origin. */
interface Bed {
  scripts: Scripts;
  relay: QueueRelay;
  token: string;
  origin: Origin;
}

/** A fresh data dir, token, relay process and origin for `work`; all gone afterwards. */
async function withBed<T>(scripts: Scripts, work: (bed: Bed) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(dataRoot().root, 'hookline-bench-queue-store-'));
  const origin = await countingOrigin();
  let relay: QueueRelay | undefined;
  try {
    const { token } = await createToken(dataDir, 'bench');
    relay = await startQueueRelay(scripts, dataDir);
    return await work({ scripts, relay, token, origin });
  } finally {
    await relay?.stop();
    await origin.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `name` becomes a token-owned queued name, and its client goes away: POSTs to it answer 202. */
async function register(bed: Bed, name: string, mode: QueueMode): Promise<void> {
  const { relay, token, origin } = bed;
  await (await connectTunnel({ relay: relay.url, target: origin.port, token, name, queue: mode })).close();
}

interface EnqueueResult {
  rps: number;
  p50: number;
  p99: number;
  /** Commits of the measured window (deltas; max is over the relay's life, warm-up included). */
  commit: { meanMs: number; maxMs: number; writesPerCommit: number; busyShare: number } | null;
  loop: RelaySample['loop'];
}

async function enqueue(bed: Bed, name: string, connections: number, seconds: number, warmUp: boolean) {
  const { relay, origin } = bed;
  await register(bed, name, 'serial');
  if (warmUp) await closedLoop(relay.port, name, connections, 1);
  const delivered = origin.seen.count;
  const before = await relay.ask('mark');
  const load = await closedLoop(relay.port, name, connections, seconds);
  const after = await relay.ask('sample');
  // Every 202 must be a stored webhook, and an offline tunnel delivers nothing.
  const queued = after.pending - before.pending;
  if (queued !== load.latencies.length || origin.seen.count !== delivered) {
    throw new Error(`enqueue c=${connections}: ${load.latencies.length} answered 202 but ${queued} queued`);
  }
  const sorted = load.latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return {
    rps: sorted.length / (load.wallMs / 1000),
    p50: at(0.5),
    p99: at(0.99),
    commit: commitDelta(before.commits, after.commits, load.wallMs),
    loop: after.loop,
  };
}

/**
 * `connections` keep-alive connections POSTing back to back for `seconds`
 * (autocannon's histogram keeps whole milliseconds; a queued POST at c=1 takes a
 * few). Latency of every request, ms; any answer but 202 throws.
 */
async function closedLoop(port: number, name: string, connections: number, seconds: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const status = await post(port, name, agent);
        if (status !== 202) throw new Error(`enqueue c=${connections}: expected 202, got ${status}`);
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const wallMs = performance.now() - started;
  agent.destroy();
  return { latencies, wallMs };
}

function commitDelta(before: CommitFigures | null, after: CommitFigures | null, wallMs: number) {
  if (!before || !after) return null;
  const commits = after.commits - before.commits;
  const totalMs = after.totalMs - before.totalMs;
  return {
    meanMs: totalMs / commits,
    maxMs: after.maxMs,
    writesPerCommit: (after.writes - before.writes) / commits,
    busyShare: totalMs / wallMs,
  };
}

function post(port: number, name: string, agent: Agent): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: `/t/${name}/hook`,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': BODY.length },
      },
      (res) => res.resume().on('end', () => done(res.statusCode ?? 0)),
    );
    req.on('error', fail);
    req.end(BODY);
  });
}

/** Queue `count` webhooks at c=32 (not timed). */
async function fill(port: number, name: string, count: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < count) {
        next += 1;
        const status = await post(port, name, agent);
        if (status !== 202) throw new Error(`queueing for the drain: expected 202, got ${status}`);
      }
    }),
  );
  agent.destroy();
}

/** `count` queued, then the client (a process) connects: webhooks/s from first to last delivery. */
async function drain(bed: Bed, name: string, count: number, mode: QueueMode): Promise<number> {
  const { relay, token, origin } = bed;
  await register(bed, name, mode);
  const before = (await relay.ask('sample')).pending;
  await fill(relay.port, name, count);
  const queued = (await relay.ask('sample')).pending - before;
  if (queued !== count) throw new Error(`drain: ${queued} queued, expected ${count}`);
  Object.assign(origin.seen, { count: 0, first: 0, last: 0 });
  const options = { relay: relay.url, target: origin.port, token, name, queue: mode };
  const client = await spawnTs(bed.scripts.client, [JSON.stringify(options)]);
  try {
    let seen = -1;
    let progressAt = performance.now();
    while (origin.seen.count < count) {
      if (origin.seen.count !== seen) [seen, progressAt] = [origin.seen.count, performance.now()];
      if (performance.now() - progressAt > 20_000) throw new Error(`drain ${mode}: stuck at ${seen}/${count}`);
      await new Promise((done) => setTimeout(done, 5));
    }
    return (count - 1) / ((origin.seen.last - origin.seen.first) / 1000);
  } finally {
    await client.stop();
  }
}

/** Webhooks queued before each drain. */
const FULL_DRAIN = 5_000;
const QUICK_DRAIN = 100;

interface RunResult {
  c1: EnqueueResult;
  c32: EnqueueResult;
  serial: number;
  parallel4: number;
}

/**
 * One round of every measurement. Full: a fresh relay and data dir for each (no
 * backlog, no commit maximum carried over). Quick (the CI smoke run): one relay for
 * the round, a name per measurement, as a relay start costs up to a second on a
 * busy machine; the c=32 commit max then covers the c=1 phase too.
 */
async function round(scripts: Scripts, quick: boolean): Promise<RunResult> {
  const seconds = quick ? 0.5 : 5;
  const count = quick ? QUICK_DRAIN : FULL_DRAIN;
  const measure = async (on: <T>(work: (bed: Bed) => Promise<T>) => Promise<T>): Promise<RunResult> => ({
    c1: await on((bed) => enqueue(bed, 'c1', 1, seconds, !quick)),
    c32: await on((bed) => enqueue(bed, 'c32', 32, seconds, !quick)),
    serial: await on((bed) => drain(bed, 'serial', count, 'serial')),
    parallel4: await on((bed) => drain(bed, 'par4', count, 'parallel:4')),
  });
  if (!quick) return measure((work) => withBed(scripts, work));
  return withBed(scripts, (bed) => measure((work) => work(bed)));
}

function rowsOf(results: RunResult[], quick: boolean): QueueStoreRow[] {
  const count = quick ? QUICK_DRAIN : FULL_DRAIN;
  const of = (pick: (result: RunResult) => number | null | undefined): number | null => {
    const values = results.map(pick);
    return values.every((value): value is number => typeof value === 'number') ? median(values) : null;
  };
  const rows: QueueStoreRow[] = [];
  const levels = [
    ['c1', 'c=1'],
    ['c32', 'c=32'],
  ] as const;
  for (const [c, label] of levels) {
    rows.push(
      { name: `store: enqueue 1 KB ${label}`, unit: 'req/s', value: of((r) => r[c].rps) },
      { name: `  p50 ${label}`, unit: 'ms', value: of((r) => r[c].p50) },
      { name: `  p99 ${label}`, unit: 'ms', value: of((r) => r[c].p99) },
    );
  }
  rows.push(
    { name: `store: drain ${count} serial`, unit: 'wh/s', value: of((r) => r.serial) },
    { name: `store: drain ${count} parallel:4`, unit: 'wh/s', value: of((r) => r.parallel4) },
  );
  for (const [c, label] of levels) {
    rows.push(
      { name: `store: ${label} writer ms/commit mean`, unit: 'ms', value: of((r) => r[c].commit?.meanMs) },
      // Over the relay's life (its warm-up included): queueCommitStats() has no reset.
      { name: `store: ${label} writer ms/commit max`, unit: 'ms', value: of((r) => r[c].commit?.maxMs) },
      { name: `store: ${label} writes/commit`, unit: '', value: of((r) => r[c].commit?.writesPerCommit) },
      {
        name: `store: ${label} writer busy in commits`,
        unit: '%',
        value: of((r) => {
          const share = r[c].commit?.busyShare;
          return share === undefined ? null : share * 100;
        }),
      },
      { name: `store: ${label} loop delay p99`, unit: 'ms', value: of((r) => r[c].loop.p99) },
      { name: `store: ${label} loop delay max`, unit: 'ms', value: of((r) => r[c].loop.max) },
    );
  }
  return rows;
}

/** The queue-store section: each row the median over `runs` rounds, one relay process at a time. */
export async function benchQueueStore(
  scripts: Scripts,
  { quick, runs }: QueueStoreOptions,
): Promise<{ rows: QueueStoreRow[]; results: RunResult[] }> {
  const results: RunResult[] = [];
  for (let i = 0; i < runs; i++) results.push(await round(scripts, quick));
  return { rows: rowsOf(results, quick), results };
}

export function formatRow(row: QueueStoreRow): string {
  const value =
    row.value === null || Number.isNaN(row.value)
      ? 'n/a'
      : row.value >= 100
        ? row.value.toFixed(0)
        : row.value.toFixed(2);
  return `${row.name.padEnd(34)} ${value.padStart(10)} ${row.unit}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const runsAt = process.argv.indexOf('--runs');
  const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : quick ? 1 : 3;
  const jsonAt = process.argv.indexOf('--json');
  const disk = dataRoot();
  const scripts = await benchScripts();
  console.log(
    `queue store bench (${quick ? 'quick' : 'full'}, ${runs} run(s), median); data dir on ${disk.root} (${disk.fsType}, ${disk.device})`,
  );
  const load = [loadavg()];
  const started = performance.now();
  const { rows, results } = await benchQueueStore(scripts, { quick, runs });
  load.push(loadavg());
  for (const row of rows) console.log(formatRow(row));
  console.log(
    `took ${((performance.now() - started) / 1000).toFixed(1)} s; load average before/after: ${load.map((l) => l[0]?.toFixed(1)).join(' / ')} (${cpus().length} CPUs)`,
  );
  if (jsonAt > 0) {
    const file = process.argv[jsonAt + 1] as string;
    writeFileSync(
      file,
      `${JSON.stringify({ date: new Date().toISOString(), quick, runs, disk, load, rows, results }, null, 2)}\n`,
    );
  }
}
