/**
 * `node --import tsx bench/compare.ts [connections] [bodyBytes] [rounds]`: POSTs
 * straight at the origin, through hookline and through the reference prototype in
 * alternating rounds, with hookline ÷ reference per round: on a VM whose speed
 * drifts between runs, the same-round ratio is what shows a change.
 */
import { spawnTs } from '@hookline/testing';
import { benchScripts } from './build.js';
import { alternate, median } from './load.js';
import { startBenchClient, startBenchRelay } from './processes.js';
import { startReference } from './reference/start.js';

const [connections = 32, bodyBytes = 1024, rounds = 3] = process.argv
  .slice(2)
  .filter((arg) => !arg.startsWith('--'))
  .map(Number);
const scripts = await benchScripts();
const origin = await spawnTs<{ port: number }>(scripts.origin, []);
const relay = await startBenchRelay();
const client = await startBenchClient(scripts, relay.ready.url, origin.ready.port, 'compare');
const reference = await startReference(scripts, origin.ready.port);
try {
  const body = Buffer.alloc(bodyBytes, 'a');
  const urls = [
    `http://127.0.0.1:${origin.ready.port}/hook`,
    `http://127.0.0.1:${relay.ready.port}/t/compare/hook`,
    `${reference.url}/hook`,
  ];
  const [direct = [], tunnel = [], prototype = []] = await alternate(urls, { connections, body }, rounds, 5);
  const rate = (results: typeof direct) => results.map((result) => result.requestsPerSecond);
  const show = (values: number[]) => values.map((value) => value.toFixed(0).padStart(7)).join(' ');
  console.log(`c=${connections}, ${bodyBytes} B, req/s per round`);
  console.log(`direct    ${show(rate(direct))}`);
  console.log(`hookline  ${show(rate(tunnel))}`);
  console.log(`reference ${show(rate(prototype))}`);
  const ratios = rate(tunnel).map((value, i) => value / (rate(prototype)[i] ?? 1));
  console.log(
    `hookline ÷ reference ${ratios.map((r) => r.toFixed(2)).join(' ')} (median ${median(ratios).toFixed(2)})`,
  );
} finally {
  await reference.stop();
  await client.stop();
  await relay.stop();
  await origin.stop();
}
