/**
 * Offline-queue figures: enqueue rate with fsync (1 KB bodies, with a backlog
 * already queued) and drain rate on reconnect. Relay in this process, real disk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectTunnel } from '@hookline/client';
import { createRelay, createToken } from '@hookline/relay';
import { startOrigin } from '@hookline/testing';

function post(port: number, agent: Agent, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/t/shop/hook',
        method: 'POST',
        agent,
        headers: { 'content-length': body.length },
      },
      (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function fill(port: number, count: number, concurrency: number, body: Buffer): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        const status = await post(port, agent, body);
        if (status !== 202) throw new Error(`expected 202, got ${status}`);
      }
    }),
  );
  agent.destroy();
  return count / ((performance.now() - start) / 1000);
}

export async function benchQueue(quick: boolean): Promise<Array<{ name: string; unit: string; value: number }>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookline-bench-queue-'));
  const backlog = quick ? 2_000 : 10_000;
  const measured = quick ? 1_000 : 2_000;
  const body = Buffer.alloc(1024, 'q');
  const { token } = await createToken(dataDir, 'bench');
  let delivered = 0;
  const origin = await startOrigin((req, res) => {
    req.resume().on('end', () => {
      delivered += 1;
      res.end('ok');
    });
  });
  const relay = createRelay({
    dataDir,
    auth: 'required',
    maxBodyBytes: 1024 * 1024,
    queue: { maxEntries: 100_000 },
    tunnelRate: { perSecond: 1e9, burst: 1e9 },
  });
  const { port } = await relay.listen(0, '127.0.0.1');
  try {
    const options = { relay: relay.url, target: origin.port, token, name: 'shop', queue: 'serial' as const };
    await (await connectTunnel(options)).close();
    await fill(port, backlog, 32, body);
    const c1 = await fill(port, measured / 4, 1, body);
    const c32 = await fill(port, measured, 32, body);
    const total = backlog + measured / 4 + measured;
    const start = performance.now();
    const tunnel = await connectTunnel(options);
    while (delivered < total) await new Promise((resolve) => setTimeout(resolve, 20));
    const drain = total / ((performance.now() - start) / 1000);
    await tunnel.close();
    return [
      { name: `enqueue (fsync) c=1, ${backlog} queued`, unit: 'req/s', value: c1 },
      { name: `enqueue (fsync) c=32, ${backlog} queued`, unit: 'req/s', value: c32 },
      { name: `drain ${total} on reconnect (serial)`, unit: 'req/s', value: drain },
    ];
  } finally {
    await relay.close();
    await origin.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await benchQueue(process.argv.includes('--quick'))) {
    console.log(`${row.name.padEnd(40)} ${row.value.toFixed(0).padStart(8)} ${row.unit}`);
  }
}
