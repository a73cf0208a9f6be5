import { readdirSync, readFileSync } from 'node:fs';
import { spawnTs } from '@hookline/testing';
import autocannon from 'autocannon';
import { benchScripts } from '/work/main/bench/build.ts';
import { startCli } from '/work/main/bench/cli-tunnel.ts';

const scripts = await benchScripts();
const origin = await spawnTs<{ port: number }>(scripts.origin, []);
function threads(pid: number) {
  const out: Record<string, [number, number]> = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const raw = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const name = raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')'));
    const f = raw.split(') ')[1]!.split(' ');
    const key = `${name}-${tid}`;
    const prev = out[key] ?? [0, 0];
    out[key] = [prev[0] + Number(f[11]) * 10, prev[1] + Number(f[12]) * 10];
  }
  return out;
}
const body = Buffer.from(JSON.stringify({ id: 'evt_1', data: 'x'.repeat(1000) }).slice(0, 1024));
for (const mode of ['off', 'on', 'off', 'on']) {
  const http = await startCli({
    relay: null,
    target: origin.ready.port,
    name: 'p',
    args: mode === 'on' ? [] : ['--no-capture'],
  });
  await autocannon({ url: `${http.url}/hook`, method: 'POST', body, connections: 32, duration: 1 });
  const before = threads(http.pid);
  const r = await autocannon({ url: `${http.url}/hook`, method: 'POST', body, connections: 32, duration: 4 });
  const after = threads(http.pid);
  const per: string[] = [];
  let total = 0;
  for (const [k, [u, s]] of Object.entries(after)) {
    const [u0, s0] = before[k] ?? [0, 0];
    const d = ((u - u0 + s - s0) * 1000) / r.requests.total;
    total += d;
    if (d > 1) per.push(`${k}:${d.toFixed(0)}(${(((s - s0) * 1000) / r.requests.total).toFixed(0)}k)`);
  }
  console.log(mode, Math.round(r.requests.average), 'req/s', total.toFixed(0), 'µs/req', per.join(' '));
  await http.stop();
}
await origin.stop();
