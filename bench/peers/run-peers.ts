/**
 * Why this file: hookline's ratios against a bare origin say little on a 2-core VM
 * where the load generator, the tunnel and the origin share the cores. The peers
 * table (`npm run bench -- --peers`, or `--peers-only`) puts what people would use
 * instead in the same alternating rounds against the same origin: nginx as a reverse
 * proxy (one hop at its cheapest) and `ssh -R` (the tunnel people reach for first),
 * beside `hookline http` as users run it (embedded relay, captures on and off) and a
 * separate relay with `hookline http` as its client. It prints hookline ÷ ssh -R per
 * row, and CPU µs per request per process (utime+stime from /proc), the figure this
 * VM reproduces best. A peer that cannot be installed or started is skipped with a
 * line saying why. Results: bench/results/peers.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { spawnTs } from '@hookline/testing';
import type { BenchProcess } from '../build.js';
import { startCli } from '../cli-tunnel.js';
import { alternate, type LoadResult, median } from '../load.js';
import { latencyAtConcurrencyOne } from '../probes.js';
import { counters, residentBytes } from '../proc-counters.js';
import { startBenchRelay } from '../processes.js';
import { ensureBinary } from './install.js';
import { NGINX, startNginx } from './nginx.js';
import { SSHD, startSshTunnel, type TunnelProcess } from './sshd.js';

const MiB = 1024 * 1024;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

interface Path {
  name: string;
  /** Base URL; the load goes to `${url}/hook`. */
  url: string;
  hookline: boolean;
  /** The tunnel's (or proxy's) processes: none for direct. */
  processes(): TunnelProcess[];
}

/** CPU µs per request over one run: each tunnel process (by label), their sum, the origin. */
interface Cpu {
  total: number;
  perProcess: Record<string, number>;
  origin: number;
}

interface Shape {
  rps: number;
  mibPerSecond: number;
  p99Ms: number;
  cpu: Cpu;
}

interface PathResult {
  name: string;
  c1: Shape;
  p50Ms: number;
  c32: Shape;
  mib: Shape;
  /** RSS in MiB of each tunnel process after the 1 MiB runs, and their sum. */
  rssMiB: Record<string, number>;
  rssTotalMiB: number;
}

function cpuMs(pid: number): number | null {
  try {
    return counters(pid).cpuMs;
  } catch {
    return null; // gone
  }
}

function medianCpu(runs: Cpu[]): Cpu {
  const labels = [...new Set(runs.flatMap((run) => Object.keys(run.perProcess)))];
  return {
    total: median(runs.map((run) => run.total)),
    perProcess: Object.fromEntries(labels.map((label) => [label, median(runs.map((r) => r.perProcess[label] ?? 0))])),
    origin: median(runs.map((run) => run.origin)),
  };
}

function version(file: string, args: string[]): string {
  try {
    // ssh -V and nginx -v answer on stderr.
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? '').trim();
  }
}

const fmt = (value: number | null | undefined) =>
  value === null || value === undefined || !Number.isFinite(value)
    ? '—'
    : value >= 100
      ? value.toFixed(0)
      : value >= 10
        ? value.toFixed(1)
        : value.toFixed(2);

export interface PeersOptions {
  quick: boolean;
  runs: number;
  seconds: number;
}

export async function runPeers(scripts: Record<BenchProcess, string>, options: PeersOptions): Promise<void> {
  const { quick, runs, seconds } = options;
  const skipped: { peer: string; reason: string }[] = [];
  const skip = (peer: string, reason: string) => {
    skipped.push({ peer, reason });
    console.log(`peers: skipped ${peer}: ${reason}`);
  };
  const nginxMissing = await ensureBinary(NGINX, 'nginx');
  const sshMissing =
    (await ensureBinary('/usr/bin/ssh', 'openssh-client')) ??
    (await ensureBinary('/usr/bin/ssh-keygen', 'openssh-client')) ??
    (await ensureBinary(SSHD, 'openssh-server'));

  const stops: (() => Promise<void>)[] = [];
  const paths: Path[] = [];
  try {
    const origin = await spawnTs<{ port: number }>(scripts.origin, []);
    stops.push(() => origin.stop());
    const target = origin.ready.port;
    paths.push({ name: 'direct', url: `http://127.0.0.1:${target}`, hookline: false, processes: () => [] });

    if (nginxMissing) skip('nginx', nginxMissing);
    else {
      try {
        const nginx = await startNginx(target);
        stops.push(() => nginx.stop());
        paths.push({ name: 'nginx reverse proxy', url: nginx.url, hookline: false, processes: nginx.processes });
      } catch (error) {
        skip('nginx', (error as Error).message);
      }
    }
    if (sshMissing) skip('ssh -R', sshMissing);
    else {
      try {
        const ssh = await startSshTunnel(target);
        stops.push(() => ssh.stop());
        paths.push({ name: 'ssh -R', url: ssh.url, hookline: false, processes: ssh.processes });
      } catch (error) {
        skip('ssh -R', (error as Error).message);
      }
    }

    for (const [name, args] of [
      ['hookline http', []],
      ['hookline http --no-capture', ['--no-capture']],
    ] as const) {
      const http = await startCli({ relay: null, target, name: 'peers', args: [...args] });
      stops.push(() => http.stop());
      paths.push({
        name,
        url: http.url,
        hookline: true,
        processes: () => [{ label: 'hookline http', pid: http.pid }],
      });
    }
    const relay = await startBenchRelay();
    stops.push(() => relay.stop());
    const client = await startCli({ relay: relay.ready.url, target, name: 'peers' });
    stops.push(() => client.stop());
    paths.push({
      name: 'relay + hookline http',
      url: client.url,
      hookline: true,
      processes: () => [
        { label: 'relay', pid: relay.pid },
        { label: 'hookline http (client)', pid: client.pid },
      ],
    });

    const urls = paths.map((path) => `${path.url}/hook`);
    // Other work on the machine inflates CPU per request too (caches, wake-ups): say how busy it was.
    const loadAtStart = loadavg();
    console.log(
      `peers bench (${quick ? 'quick' : 'full'}: ${runs} alternating run(s) of ${seconds} s per shape, median; ${cpus().length} cores, load average ${loadAtStart
        .map((l) => l.toFixed(1))
        .join(' ')})`,
    );
    console.log(`paths: ${paths.map((path) => path.name).join(', ')}`);

    // CPU per request of each path's processes and of the origin, over each measured run.
    const measure = async (shape: { connections: number; body: Buffer }): Promise<Shape[]> => {
      const cpuRuns = paths.map((): Cpu[] => []);
      const results = await alternate(urls, shape, runs, seconds, !quick, (index) => {
        const processes = paths[index]?.processes() ?? [];
        const before = processes.map((proc) => cpuMs(proc.pid));
        const originBefore = cpuMs(origin.pid) ?? 0;
        return (result: LoadResult) => {
          const perRequest = (ms: number) => (result.requests ? (ms * 1000) / result.requests : Number.NaN);
          const perProcess: Record<string, number> = {};
          processes.forEach((proc, i) => {
            const after = cpuMs(proc.pid);
            const start = before[i];
            if (after === null || start === null || start === undefined) return;
            perProcess[proc.label] = (perProcess[proc.label] ?? 0) + perRequest(after - start);
          });
          const total = Object.values(perProcess).reduce((sum, value) => sum + value, 0);
          const origin_ = perRequest((cpuMs(origin.pid) ?? 0) - originBefore);
          cpuRuns[index]?.push({ total, perProcess, origin: origin_ });
        };
      });
      return paths.map((_, index) => {
        const runsOf = results[index] ?? [];
        return {
          rps: median(runsOf.map((r) => r.requestsPerSecond)),
          mibPerSecond: median(runsOf.map((r) => r.bytesPerSecond / MiB)),
          p99Ms: median(runsOf.map((r) => r.p99Ms)),
          cpu: medianCpu(cpuRuns[index] ?? []),
        };
      });
    };

    const oneKb = Buffer.from(JSON.stringify({ id: 'evt_1', data: 'x'.repeat(1000) }).slice(0, 1024));
    console.log('peers: 1 KB POST c=1…');
    const c1 = await measure({ connections: 1, body: oneKb });
    console.log('peers: p50 at c=1 (sequential keep-alive POSTs)…');
    const latency = paths.map((): number[] => []);
    for (let i = 0; i < runs; i++) {
      for (const [index, url] of urls.entries()) {
        latency[index]?.push((await latencyAtConcurrencyOne(url, oneKb, quick ? 500 : 2000)).p50Ms);
      }
    }
    console.log('peers: 1 KB POST c=32…');
    const c32 = await measure({ connections: 32, body: oneKb });
    console.log('peers: 1 MiB POST c=4…');
    const mib = await measure({ connections: 4, body: Buffer.alloc(MiB, 'a') });

    const results: PathResult[] = paths.map((path, index) => {
      const rssMiB: Record<string, number> = {};
      for (const proc of path.processes()) {
        try {
          rssMiB[proc.label] = (rssMiB[proc.label] ?? 0) + residentBytes(proc.pid).rss / MiB;
        } catch {
          // gone
        }
      }
      return {
        name: path.name,
        c1: c1[index] as Shape,
        p50Ms: median(latency[index] ?? []),
        c32: c32[index] as Shape,
        mib: mib[index] as Shape,
        rssMiB,
        rssTotalMiB: Object.values(rssMiB).reduce((sum, value) => sum + value, 0),
      };
    });
    const loadAtEnd = loadavg();
    printTable(results, paths, skipped);
    console.log(`load average at the end: ${loadAtEnd.map((l) => l.toFixed(1)).join(' ')}`);

    mkdirSync(here('../results'), { recursive: true });
    const report = {
      date: new Date().toISOString(),
      quick,
      runs,
      seconds,
      node: process.version,
      cores: cpus().length,
      loadAverage: { start: loadAtStart, end: loadAtEnd },
      versions: {
        ssh: sshMissing ? null : version('ssh', ['-V']),
        nginx: nginxMissing ? null : version(NGINX, ['-v']),
      },
      skipped,
      units: {
        rps: 'req/s',
        mibPerSecond: 'MiB/s of request bodies',
        p50Ms: 'ms',
        cpu: 'µs of utime+stime per request',
        rssMiB: 'MiB after the 1 MiB runs',
      },
      paths: results,
    };
    writeFileSync(here('../results/peers.json'), `${JSON.stringify(report, null, 2)}\n`);
    console.log('written bench/results/peers.json');
  } finally {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        console.log(`peers: cleanup failed: ${(error as Error).message}`);
      }
    }
  }
}

function printTable(results: PathResult[], paths: Path[], skipped: { peer: string; reason: string }[]): void {
  const columns: [string, (r: PathResult) => number | null][] = [
    ['c=1 req/s', (r) => r.c1.rps],
    ['c=1 p50 ms', (r) => r.p50Ms],
    ['c=32 req/s', (r) => r.c32.rps],
    ['1MiB c=4 MiB/s', (r) => r.mib.mibPerSecond],
    ['µs/req c=32', (r) => (r.name === 'direct' ? null : r.c32.cpu.total)],
    ['µs/req c=1', (r) => (r.name === 'direct' ? null : r.c1.cpu.total)],
    ['origin µs c=32', (r) => r.c32.cpu.origin],
    ['RSS MiB', (r) => (r.name === 'direct' ? null : r.rssTotalMiB)],
  ];
  const width = Math.max(...results.map((result) => result.name.length + ' ÷ ssh -R'.length)) + 1;
  const line = (name: string, cells: string[]) =>
    console.log(
      `${name.padEnd(width)} ${cells.map((cell, i) => cell.padStart(Math.max(10, columns[i]![0].length))).join(' ')}`,
    );
  console.log('');
  console.log('µs/req: CPU (utime+stime) of the tunnel/proxy processes per request; RSS: theirs after the 1 MiB runs');
  line(
    'path',
    columns.map(([title]) => title),
  );
  for (const result of results)
    line(
      result.name,
      columns.map(([, pick]) => fmt(pick(result))),
    );
  const ssh = results.find((result) => result.name === 'ssh -R');
  if (ssh) {
    console.log('÷ ssh -R (throughput: higher is better; p50, CPU and RSS: lower is better)');
    for (const result of results.filter((_, index) => paths[index]?.hookline)) {
      line(
        `${result.name} ÷ ssh -R`,
        columns.map(([, pick]) => {
          const value = pick(result);
          const base = pick(ssh);
          return value === null || !base ? '—' : `${(value / base).toFixed(2)}×`;
        }),
      );
    }
  } else console.log('÷ ssh -R: no ratios, ssh -R was skipped');
  console.log('per process: CPU µs/req at c=32 | c=1 | per 1 MiB POST, RSS after the 1 MiB runs');
  for (const result of results) {
    const labels = Object.keys(result.rssMiB);
    if (!labels.length) continue;
    const parts = labels.map(
      (label) =>
        `${label} ${fmt(result.c32.cpu.perProcess[label])} | ${fmt(result.c1.cpu.perProcess[label])} | ${fmt(result.mib.cpu.perProcess[label])} µs, ${fmt(result.rssMiB[label])} MiB`,
    );
    console.log(`  ${result.name.padEnd(width - 2)} ${parts.join('; ')}`);
  }
  for (const { peer, reason } of skipped) console.log(`skipped ${peer}: ${reason}`);
  console.log('');
}
