/**
 * `node --import tsx bench/cpu-per-req.ts [connections] [bodyBytes]`: CPU time each
 * process (relay, client, origin) spends per tunnelled POST (1 KiB unless told), from
 * /proc counters.
 * Unlike req/s it barely depends on what else the machine is doing, so it is the
 * figure to compare before and after a hot-path change. Set
 * HOOKLINE_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnClient, spawnRelay, spawnTs } from '@hookline/testing';
import autocannon from 'autocannon';

/** utime + stime of a process, in ms (Linux: clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const connections = Number(process.argv[2] ?? 32);
const origin = await spawnTs<{ port: number }>(fileURLToPath(new URL('./origin.ts', import.meta.url)), []);
const relay = await spawnRelay({
  options: { tunnelRate: { perSecond: 1e9, burst: 1e9 }, maxStreamsPerTunnel: 10_000 },
});
const client = await spawnClient({ relay: relay.ready.url, target: origin.ready.port, name: 'cpu' });
try {
  const body = Buffer.alloc(Number(process.argv[3] ?? 1024), 'x');
  const url = `http://127.0.0.1:${relay.ready.port}/t/cpu/hook`;
  await autocannon({ url, method: 'POST', body, connections, duration: 2 }); // warm-up
  const pids = [relay.pid, client.pid, origin.pid];
  const before = pids.map(cpuMs);
  const ownBefore = process.cpuUsage();
  const result = await autocannon({ url, method: 'POST', body, connections, duration: 5 });
  const after = pids.map(cpuMs);
  const own = process.cpuUsage(ownBefore);
  const loadGenerator = ((own.user + own.system) / result.requests.total).toFixed(1);
  const perRequest = (i: number) => ((((after[i] ?? 0) - (before[i] ?? 0)) * 1000) / result.requests.total).toFixed(1);
  console.log(
    `c=${connections}, ${body.length} B: ${result.requests.average} req/s, ${((result.requests.average * body.length) / 2 ** 20).toFixed(0)} MiB/s, ${result.errors} errors, ${result.non2xx} non-2xx`,
  );
  console.log(
    `CPU per request: relay ${perRequest(0)} µs, client ${perRequest(1)} µs, origin ${perRequest(2)} µs, load generator ${loadGenerator} µs`,
  );
  // The same load straight at the origin: what the baseline itself costs.
  const direct = `http://127.0.0.1:${origin.ready.port}/hook`;
  await autocannon({ url: direct, method: 'POST', body, connections, duration: 2 });
  const originBefore = cpuMs(origin.pid);
  const ownDirect = process.cpuUsage();
  const baseline = await autocannon({ url: direct, method: 'POST', body, connections, duration: 5 });
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
