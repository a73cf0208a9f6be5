/**
 * `npm run bench [-- --quick]`: the same small origin measured directly and through
 * hookline (relay and client as separate processes), in one run, as ratios; at
 * c=32, c=1 and 1 MiB also through the reference prototype issue 5's targets came from
 * (bench/reference), so the targets can be judged on the machine at hand.
 * Results: a table on stdout and bench/results/latest.json.
 * `--peers` first runs the peers table (bench/peers/run-peers.ts: nginx and `ssh -R`
 * beside hookline, in the same rounds; bench/results/peers.json), then the rest as
 * usual; `--peers-only` stops after it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { connectTunnel, type Tunnel } from '@hookline/client';
import { memoryOf, spawnTs } from '@hookline/testing';
import { benchScripts } from './build.js';
import { benchCaptures } from './captures.js';
import { startCliTunnel } from './cli-tunnel.js';
import { alternate, type LoadResult, median, medianOf } from './load.js';
import { runPeers } from './peers/run-peers.js';
import { latencyAtConcurrencyOne, streamUpload } from './probes.js';
import { startBenchClient, startBenchRelay } from './processes.js';
import { benchQueue } from './queue.js';
import { benchQueueStore } from './queue-store.js';
import { startReference } from './reference/start.js';
import { startBundledRelay } from './relay-service.js';
import { signedHeaders } from './webhook-signature.js';

const quick = process.argv.includes('--quick');
const runs = quick ? 1 : 3;
const seconds = quick ? 2 : 6;
const MiB = 1024 * 1024;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

interface Row {
  name: string;
  unit: string;
  direct: number | null;
  tunnel: number;
  /** tunnel ÷ direct, or null where there is no direct baseline. */
  ratio: number | null;
}

const rows: Row[] = [];
function record(name: string, unit: string, direct: number | null, tunnel: number): void {
  rows.push({ name, unit, direct, tunnel, ratio: direct ? tunnel / direct : null });
  const ratio = direct ? (tunnel / direct).toFixed(2) : '—';
  const fmt = (v: number | null) => (v === null ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(2));
  console.log(
    `${name.padEnd(34)} ${fmt(direct).padStart(10)} ${fmt(tunnel).padStart(10)} ${unit.padEnd(6)} ratio ${ratio}`,
  );
}

// Bundled as shipped (bench/build.ts), not run through tsx.
const scripts = await benchScripts();
const peersOnly = process.argv.includes('--peers-only');
if (peersOnly || process.argv.includes('--peers')) await runPeers(scripts, { quick, runs, seconds });
if (peersOnly) process.exit(0);
const origin = await spawnTs<{ port: number }>(scripts.origin, []);
const relay = await startBenchRelay();
const startClient = (target: number, name: string) => startBenchClient(scripts, relay.ready.url, target, name);
const client = await startClient(origin.ready.port, 'bench');
// A second origin that does what real receivers do (framework, HMAC check, JSON.parse).
const receiver = await spawnTs<{ port: number }>(scripts.receiver, []);
const receiverClient = await startClient(receiver.ready.port, 'receiver');
const direct = `http://127.0.0.1:${origin.ready.port}/hook`;
const tunnel = `http://127.0.0.1:${relay.ready.port}/t/bench/hook`;
const reference = await startReference(scripts, origin.ready.port);
const referenceUrl = `${reference.url}/hook`;
const oneKb = Buffer.from(JSON.stringify({ id: 'evt_1', data: 'x'.repeat(1000) }).slice(0, 1024));
const oneMiB = Buffer.alloc(MiB, 'a');

try {
  console.log(`hookline bench (${quick ? 'quick' : 'full'}: ${runs} run(s) of ${seconds} s per row, median)`);
  console.log(`${'row'.padEnd(34)} ${'direct'.padStart(10)} ${'tunnel'.padStart(10)}`);
  const rps = (result: LoadResult) => result.requestsPerSecond;
  let directC32 = 0;
  for (const connections of [1, 32, 128]) {
    // At c=32 the reference prototype runs alongside: the design its targets came from.
    const urls = connections === 32 ? [direct, tunnel, referenceUrl] : [direct, tunnel];
    const [d = [], t = [], r = []] = await alternate(urls, { connections, body: oneKb }, runs, seconds, !quick);
    record(`1 KB POST c=${connections}`, 'req/s', medianOf(d, rps), medianOf(t, rps));
    if (connections !== 32) continue;
    directC32 = medianOf(d, rps);
    record(
      '1 KB POST c=32 p99',
      'ms',
      medianOf(d, (r) => r.p99Ms),
      medianOf(t, (r) => r.p99Ms),
    );
    record('1 KB POST c=32 reference prototype', 'req/s', directC32, medianOf(r, rps));
    record('  hookline ÷ reference prototype', 'req/s', medianOf(r, rps), medianOf(t, rps));
  }

  // The same load through `hookline http` as users run it (CLI build, captures on).
  const cliTunnel = await startCliTunnel(relay.ready.url, origin.ready.port, 'cli');
  try {
    const cliUrl = `http://127.0.0.1:${relay.ready.port}/t/cli/hook`;
    const [viaCli] = await alternate([cliUrl], { connections: 32, body: oneKb }, runs, seconds, !quick);
    record('1 KB POST c=32 via hookline http', 'req/s', directC32, medianOf(viaCli, rps));
  } finally {
    await cliTunnel.stop();
  }

  const receiverUrls = [
    `http://127.0.0.1:${receiver.ready.port}/hook`,
    `http://127.0.0.1:${relay.ready.port}/t/receiver/hook`,
  ];
  const signed = { connections: 32, body: oneKb, headers: signedHeaders(oneKb) };
  const [hookDirect, hookTunnel] = await alternate(receiverUrls, signed, runs, seconds, !quick);
  record('1 KB signed webhook c=32 (hono)', 'req/s', medianOf(hookDirect, rps), medianOf(hookTunnel, rps));

  const latency = { direct: [] as number[], tunnel: [] as number[], reference: [] as number[] };
  const p50 = async (url: string) => (await latencyAtConcurrencyOne(url, oneKb, quick ? 500 : 2000)).p50Ms;
  for (let i = 0; i < runs; i++) {
    latency.direct.push(await p50(direct));
    latency.tunnel.push(await p50(tunnel));
    latency.reference.push(await p50(referenceUrl));
  }
  const p50Direct = median(latency.direct);
  const p50Tunnel = median(latency.tunnel);
  record('1 KB POST c=1 p50 latency', 'ms', p50Direct, p50Tunnel);
  record('  p50 added by the tunnel', 'ms', null, p50Tunnel - p50Direct);
  record('  p50 added by the reference', 'ms', null, median(latency.reference) - p50Direct);

  // Its own warm-up: buffer pools and heaps settle at a different size than for 1 KB.
  const megabyte = { connections: 4, body: oneMiB };
  const [mbDirect = [], mbTunnel = [], mbReference = []] = await alternate(
    [direct, tunnel, referenceUrl],
    megabyte,
    runs,
    seconds,
    !quick,
  );
  const mibPerSecond = (result: LoadResult) => result.bytesPerSecond / MiB;
  record('1 MiB POST c=4', 'MiB/s', medianOf(mbDirect, mibPerSecond), medianOf(mbTunnel, mibPerSecond));
  // 1 MiB is the default stream window: hookline collects such a body whole, as the
  // prototype does; longer ones stream (the 256 MiB upload below).
  record(
    '1 MiB POST c=4 reference prototype',
    'MiB/s',
    medianOf(mbDirect, mibPerSecond),
    medianOf(mbReference, mibPerSecond),
  );

  const uploadMiB = quick ? 64 : 256;
  const upload = await streamUpload(tunnel, uploadMiB * MiB, [relay.pid, client.pid]);
  record(`${uploadMiB} MiB upload: relay peak RSS`, 'MiB', null, upload.peakRss[0]! / MiB);
  record(`${uploadMiB} MiB upload: client peak RSS`, 'MiB', null, upload.peakRss[1]! / MiB);
  record(`${uploadMiB} MiB upload throughput`, 'MiB/s', null, upload.bytesPerSecond / MiB);

  // Idle tunnels on a fresh relay as deployed (the bundled relay service, no tsx in
  // memory): the relay above carries the heap of the load it just served.
  const idle = quick ? 200 : 1000;
  const fresh = await startBundledRelay();
  const tunnels: Tunnel[] = [];
  try {
    const before = memoryOf(fresh.pid).rss;
    record('bundled relay RSS at start', 'MiB', null, before / MiB);
    for (let i = 0; i < idle; i++) {
      tunnels.push(await connectTunnel({ relay: fresh.url, target: origin.ready.port }));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = memoryOf(fresh.pid).rss;
    record(`relay RSS with ${idle} idle tunnels`, 'MiB', null, after / MiB);
    record('  per idle tunnel', 'KiB', null, (after - before) / idle / 1024);
  } finally {
    await Promise.all(tunnels.map((t) => t.close()));
    await fresh.stop();
  }

  const cli = here('../apps/cli/bin/hookline.js');
  const time = (args: string[]) => {
    const start = performance.now();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    return performance.now() - start;
  };
  const starts = Array.from({ length: 5 }, () => [time(['-e', '0']), time([cli, '--version'])] as const);
  record('hookline --version cold start', 'ms', median(starts.map(([n]) => n)), median(starts.map(([, h]) => h)));

  // The capture history: captures off ("direct" column) against on, through `hookline http` as users run it.
  console.log(`${'captures'.padEnd(34)} ${'off'.padStart(10)} ${'on'.padStart(10)}`);
  for (const row of await benchCaptures(origin.ready.port, { quick, runs, seconds })) {
    record(row.name, row.unit, row.off, row.on);
  }
} finally {
  await client.stop();
  await receiverClient.stop();
  await relay.stop();
  await origin.stop();
  await receiver.stop();
  await reference.stop();
}

// The offline queue: enqueue with fsync, and drain on reconnect (no direct baseline).
for (const row of await benchQueue(quick)) record(row.name, row.unit, null, row.value);
// The queue store against a relay process on the real disk: enqueue, drain, event-loop time per commit.
for (const row of (await benchQueueStore(scripts, { quick, runs })).rows) {
  if (row.value !== null) record(row.name, row.unit, null, row.value);
}

mkdirSync(here('./results'), { recursive: true });
const report = { date: new Date().toISOString(), quick, runs, seconds, node: process.version, rows };
writeFileSync(here('./results/latest.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log('written bench/results/latest.json');
