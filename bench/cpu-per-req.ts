/**
 * `node --import tsx bench/cpu-per-req.ts [connections] [bodyBytes] [--receiver]`: CPU
 * time each process (relay, client, origin) spends per tunnelled POST (1 KiB unless
 * told), from /proc counters. `--receiver` puts the hono webhook receiver
 * (webhook-origin.ts, signed requests) behind the tunnel instead of the bare origin;
 * `--tsx` runs the TypeScript sources instead of the bundles (bench/build.ts);
 * `--cli` runs `hookline http` (captures on) as the client.
 * Unlike req/s it barely depends on what else the machine is doing, so it is the
 * figure to compare before and after a hot-path change. Set
 * HOOKLINE_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile them.
 */
import { spawnTs } from '@hookline/testing';
import autocannon from 'autocannon';
import { benchScripts } from './build.js';
import { startCliTunnel } from './cli-tunnel.js';
import { counters, type ProcessCounters } from './proc-counters.js';
import { startBenchClient, startBenchRelay } from './processes.js';
import { signedHeaders } from './webhook-signature.js';

function cpuMs(pid: number): number {
  return counters(pid).cpuMs;
}

const receiver = process.argv.includes('--receiver');
const [connectionsArg, bytesArg] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const connections = Number(connectionsArg ?? 32);
const scripts = await benchScripts();
const origin = await spawnTs<{ port: number }>(receiver ? scripts.receiver : scripts.origin, []);
const relay = await startBenchRelay();
// --cli: `hookline http` as users run it (CLI build, captures on) instead of the bare client.
const client = process.argv.includes('--cli')
  ? await startCliTunnel(relay.ready.url, origin.ready.port, 'cpu')
  : await startBenchClient(scripts, relay.ready.url, origin.ready.port, 'cpu');
try {
  const body = Buffer.from(JSON.stringify({ data: 'x'.repeat(Math.max(0, Number(bytesArg ?? 1024) - 11)) }));
  const headers = receiver ? signedHeaders(body) : { 'content-type': 'application/json' };
  const url = `http://127.0.0.1:${relay.ready.port}/t/cpu/hook`;
  await autocannon({ url, method: 'POST', body, headers, connections, duration: 2 }); // warm-up
  const pids = [relay.pid, client.pid, origin.pid];
  const before = pids.map(counters);
  const ownBefore = process.cpuUsage();
  const result = await autocannon({ url, method: 'POST', body, headers, connections, duration: 5 });
  const after = pids.map(counters);
  const own = process.cpuUsage(ownBefore);
  const loadGenerator = ((own.user + own.system) / result.requests.total).toFixed(1);
  const delta = (i: number, field: keyof ProcessCounters) => (after[i]?.[field] ?? 0) - (before[i]?.[field] ?? 0);
  const perRequest = (i: number) => {
    const cpu = delta(i, 'cpuMs');
    const kernel = cpu ? Math.round((100 * delta(i, 'kernelMs')) / cpu) : 0;
    const faults = (delta(i, 'faults') / result.requests.total).toFixed(1);
    return `${((cpu * 1000) / result.requests.total).toFixed(1)} µs (${kernel} % kernel, ${faults} faults)`;
  };
  console.log(
    `c=${connections}, ${body.length} B: ${result.requests.average} req/s, ${((result.requests.average * body.length) / 2 ** 20).toFixed(0)} MiB/s, ${result.errors} errors, ${result.non2xx} non-2xx`,
  );
  console.log(
    `CPU per request: relay ${perRequest(0)}, client ${perRequest(1)}, origin ${perRequest(2)}, load generator ${loadGenerator} µs`,
  );
  // The same load straight at the origin: what the baseline itself costs.
  const direct = `http://127.0.0.1:${origin.ready.port}/hook`;
  await autocannon({ url: direct, method: 'POST', body, headers, connections, duration: 2 });
  const originBefore = cpuMs(origin.pid);
  const ownDirect = process.cpuUsage();
  const baseline = await autocannon({ url: direct, method: 'POST', body, headers, connections, duration: 5 });
  const originMs = cpuMs(origin.pid) - originBefore;
  const ownUsed = process.cpuUsage(ownDirect);
  console.log(
    `direct: ${baseline.requests.average} req/s; CPU per request: origin ${((originMs * 1000) / baseline.requests.total).toFixed(1)} µs, load generator ${((ownUsed.user + ownUsed.system) / baseline.requests.total).toFixed(1)} µs`,
  );
} finally {
  await client.stop();
  await relay.stop();
  await origin.stop();
}
