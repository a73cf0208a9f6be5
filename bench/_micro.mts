import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureStore, ExchangeRecorder, STORE_FILE, signatureAnnotator } from '@hookline/capture';

const dir = mkdtempSync(join(tmpdir(), 'micro-'));
const store = await CaptureStore.open({
  file: process.env.MEM ? null : join(dir, STORE_FILE),
  ...(process.env.NOANN ? {} : { annotate: signatureAnnotator({ secrets: {} }) }),
  maxCount: Number(process.argv[2] ?? 10000),
});
const mode = process.env.MODE ?? 'store';
const sink = mode === 'null' ? { add() {} } : store;
const recorder = new ExchangeRecorder({ sink, target: 'http://127.0.0.1:3000/', tunnel: () => 'micro' });
const body = Buffer.from(JSON.stringify({ id: 'evt_1', data: 'x'.repeat(1000) }).slice(0, 1024));
const headers = [
  'host',
  'micro.localhost',
  'content-type',
  'application/json',
  'content-length',
  '1024',
  'user-agent',
  'autocannon',
  'x-forwarded-for',
  '127.0.0.1',
];
let n = 0;
function one() {
  const id = String(n++);
  recorder.request(
    id,
    { method: 'POST', target: '/hook', headers, remoteAddress: '127.0.0.1', protocol: 'http', host: 'micro.localhost' },
    Date.now(),
  );
  recorder.requestBody(id, body);
  recorder.response(id, {
    status: 200,
    statusText: 'OK',
    headers: ['content-type', 'application/json', 'content-length', '11'],
    waitMs: 1,
  });
  recorder.responseBody(id, Buffer.from('{"ok":true}'));
  recorder.done(id, { totalMs: 1, error: null });
}
const seconds = 4;
const rate = 5000;
const start = process.cpuUsage();
const t0 = performance.now();
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    for (let i = 0; i < rate / 100; i++) one();
    if (performance.now() - t0 > seconds * 1000) {
      clearInterval(timer);
      resolve();
    }
  }, 10);
});
await store.flush();
const used = process.cpuUsage(start);
const { readdirSync, readFileSync } = await import('node:fs');
for (const tid of readdirSync('/proc/self/task')) { const raw = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'); const f = raw.split(') ')[1]!.split(' '); const ms = (Number(f[11]) + Number(f[12])) * 10; if (ms > 50) console.log('  tid', tid, raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')')), ms, 'ms'); }
console.log(
  n,
  'captures',
  ((used.user + used.system) / n).toFixed(1),
  'µs/capture (all threads)',
  'rss',
  Math.round(process.memoryUsage().rss / 1e6),
);
await store.close();
