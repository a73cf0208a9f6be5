import { spawnTs } from '@hookline/testing';
import autocannon from 'autocannon';
import { benchScripts } from '/work/main/bench/build.ts';
import { startCli } from '/work/main/bench/cli-tunnel.ts';

const scripts = await benchScripts();
const origin = await spawnTs<{ port: number }>(scripts.origin, []);
const capture = process.argv[2] !== 'off';
const http = await startCli({
  relay: null,
  target: origin.ready.port,
  name: 'p',
  args: capture ? [] : ['--no-capture'],
});
const body = Buffer.from(JSON.stringify({ id: 'evt_1', data: 'x'.repeat(1000) }).slice(0, 1024));
const r = await autocannon({ url: `${http.url}/hook`, method: 'POST', body, connections: 32, duration: 5 });
console.log(r.requests.average);
await http.stop();
await origin.stop();
