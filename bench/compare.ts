/**
 * `node --import tsx bench/compare.ts [connections] [bodyBytes] [rounds]`: POSTs
 * straight at the origin, through hookline and through the reference prototype in
 * alternating rounds, with hookline ÷ reference per round: on a VM whose speed
 * drifts between runs, the same-round ratio is what shows a change.
 */
import { type ClientReady, type RelayReady, spawnTs } from '@hookline/testing';
import { benchScripts } from './build.js';
import { alternate, median } from './load.js';
import { startReference } from './reference/start.js';
import { DEPLOYED_RELAY_ENV } from './relay-env.js';

const [connections = 32, bodyBytes = 1024, rounds = 3] = process.argv
  .slice(2)
  .filter((arg) => !arg.startsWith('--'))
  .map(Number);
const scripts = await benchScripts();
const origin = await spawnTs<{ port: number }>(scripts.origin, []);
const relayOptions = {
  maxBodyBytes: 4096 * 2 ** 20,
  maxStreamsPerTunnel: 10_000,
  tunnelRate: { perSecond: 1e9, burst: 1e9 },
};
const relay = await spawnTs<RelayReady>(scripts.relay, [JSON.stringify({ options: relayOptions })], {
  env: DEPLOYED_RELAY_ENV,
});
const client = await spawnTs<ClientReady>(scripts.client, [
  JSON.stringify({ relay: relay.ready.url, target: origin.ready.port, name: 'compare' }),
]);
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
