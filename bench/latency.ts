/**
 * `node --import tsx bench/latency.ts [rounds]`: the c=1 p50 latency the tunnel adds
 * and the reference prototype adds, over alternating rounds of sequential POSTs,
 * so a change on the one-request path can be judged against the same-run yardstick.
 */
import { spawnTs } from '@hookline/testing';
import { benchScripts } from './build.js';
import { median } from './load.js';
import { latencyAtConcurrencyOne } from './probes.js';
import { startBenchClient, startBenchRelay } from './processes.js';
import { startReference } from './reference/start.js';

const rounds = Number(process.argv.slice(2).find((arg) => !arg.startsWith('--')) ?? 5);
const scripts = await benchScripts();
const origin = await spawnTs<{ port: number }>(scripts.origin, []);
const relay = await startBenchRelay();
const client = await startBenchClient(scripts, relay.ready.url, origin.ready.port, 'latency');
const reference = await startReference(scripts, origin.ready.port);
try {
  const body = Buffer.from(JSON.stringify({ data: 'x'.repeat(1013) }));
  const urls = {
    direct: `http://127.0.0.1:${origin.ready.port}/hook`,
    tunnel: `http://127.0.0.1:${relay.ready.port}/t/latency/hook`,
    reference: `${reference.url}/hook`,
  };
  const p50 = { direct: [] as number[], tunnel: [] as number[], reference: [] as number[] };
  for (const url of Object.values(urls)) await latencyAtConcurrencyOne(url, body, 300); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (const [name, url] of Object.entries(urls) as Array<[keyof typeof urls, string]>) {
      p50[name].push((await latencyAtConcurrencyOne(url, body, 1000)).p50Ms);
    }
  }
  const added = (name: 'tunnel' | 'reference') => p50[name].map((value, i) => value - (p50.direct[i] ?? 0));
  const show = (values: number[]) => values.map((value) => value.toFixed(3)).join(' ');
  console.log(`p50 direct     ${show(p50.direct)} ms`);
  console.log(`added: tunnel  ${show(added('tunnel'))} ms (median ${median(added('tunnel')).toFixed(3)})`);
  console.log(`added: reference ${show(added('reference'))} ms (median ${median(added('reference')).toFixed(3)})`);
} finally {
  await reference.stop();
  await client.stop();
  await relay.stop();
  await origin.stop();
}
