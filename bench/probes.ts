import { Agent, request } from 'node:http';
import { Readable } from 'node:stream';
import { memoryOf } from '@hookline/testing';

/** Sequential keep-alive POSTs timed one by one (sub-millisecond resolution). */
export async function latencyAtConcurrencyOne(url: string, body: Buffer, count: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const samples: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const start = process.hrtime.bigint();
      await new Promise<void>((resolve, reject) => {
        const req = request(url, { method: 'POST', agent, headers: { 'content-length': body.length } }, (res) => {
          res.resume().on('end', resolve);
        });
        req.on('error', reject);
        req.end(body);
      });
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  } finally {
    agent.destroy();
  }
  samples.sort((a, b) => a - b);
  return {
    p50Ms: samples[Math.floor(samples.length / 2)] ?? 0,
    p99Ms: samples[Math.floor(samples.length * 0.99)] ?? 0,
  };
}

/** Stream `total` bytes up through `url`, sampling the peak RSS of `pids` meanwhile. */
export async function streamUpload(url: string, total: number, pids: number[]) {
  const peakRss = pids.map((pid) => memoryOf(pid).rss);
  const timer = setInterval(() => {
    pids.forEach((pid, i) => {
      peakRss[i] = Math.max(peakRss[i] ?? 0, memoryOf(pid).rss);
    });
  }, 20);
  const block = Buffer.alloc(64 * 1024, 'b');
  const start = performance.now();
  try {
    await new Promise<void>((resolve, reject) => {
      const req = request(url, { method: 'POST', agent: false, headers: { 'content-length': total } }, (res) => {
        res.resume().on('end', resolve);
      });
      req.on('error', reject);
      Readable.from(
        (function* () {
          for (let sent = 0; sent < total; sent += block.length) yield block;
        })(),
      ).pipe(req);
    });
  } finally {
    clearInterval(timer);
  }
  return { peakRss, bytesPerSecond: total / ((performance.now() - start) / 1000) };
}
