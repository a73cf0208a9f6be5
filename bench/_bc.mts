import { spawnTs } from '@hookline/testing';
import { benchScripts } from '/work/main/bench/build.ts';
import { benchCaptures } from '/work/main/bench/captures.ts';

const scripts = await benchScripts();
const origin = await spawnTs<{ port: number }>(scripts.origin, []);
try {
  for (const row of await benchCaptures(origin.ready.port, {
    quick: process.argv.includes('--quick'),
    runs: Number(process.argv[2] ?? 1),
    seconds: Number(process.argv[3] ?? 3),
  }))
    console.log(JSON.stringify(row));
} finally {
  await origin.stop();
}
