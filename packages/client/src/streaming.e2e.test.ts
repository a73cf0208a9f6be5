import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Readable } from 'node:stream';
import { memoryOf, type NodeChild, type Origin, spawnClient, spawnRelay, startOrigin } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TOTAL = 256 * 1024 * 1024;
const BLOCK = randomBytes(64 * 1024);
const MiB = 1024 * 1024;

/** 256 MiB from one random block, with a position counter mixed in so order matters. */
function* blocks(): Generator<Buffer> {
  for (let offset = 0; offset < TOTAL; offset += BLOCK.length) {
    const block = Buffer.from(BLOCK);
    block.writeUInt32BE(offset / BLOCK.length, 0);
    yield block;
  }
}

function expectedSha(): string {
  const hash = createHash('sha256');
  for (const block of blocks()) hash.update(block);
  return hash.digest('hex');
}

/** Sample RSS of the processes every 25 ms while `work` runs; report the growth over the start. */
async function rssGrowthDuring(pids: number[], work: () => Promise<void>): Promise<number[]> {
  const base = pids.map((pid) => memoryOf(pid).rss);
  const peak = [...base];
  const timer = setInterval(() => {
    pids.forEach((pid, i) => {
      peak[i] = Math.max(peak[i] ?? 0, memoryOf(pid).rss);
    });
  }, 25);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return peak.map((value, i) => value - (base[i] ?? 0));
}

describe('streaming 256 MiB through relay and client processes', () => {
  let relay: NodeChild<{ url: string; port: number }>;
  let client: NodeChild<{ url: string; name: string }>;
  let local: Origin;
  let uploadSha = '';
  let uploadBytes = 0;
  const sha = expectedSha();

  beforeAll(async () => {
    local = await startOrigin((req, res) => {
      if (req.method === 'POST') {
        const hash = createHash('sha256');
        let bytes = 0;
        req.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          bytes += chunk.length;
        });
        req.on('end', () => {
          uploadSha = hash.digest('hex');
          uploadBytes = bytes;
          res.end('stored');
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': TOTAL });
      Readable.from(blocks()).pipe(res);
    });
    relay = await spawnRelay({ options: { maxBodyBytes: 1024 * MiB } });
    client = await spawnClient({ relay: relay.ready.url, target: local.port, name: 'bulk' });
  });

  afterAll(async () => {
    await client?.stop();
    await relay?.stop();
    await local?.close();
  });

  const url = () => `http://127.0.0.1:${relay.ready.port}/t/bulk/data`;

  it('uploads 256 MiB byte-exact with relay and client RSS growth under 64 MiB', async () => {
    let status = 0;
    const growth = await rssGrowthDuring([relay.pid, client.pid], async () => {
      await new Promise<void>((resolve, reject) => {
        const req = request(url(), { method: 'POST', agent: new Agent(), headers: { 'content-length': TOTAL } });
        req.on('response', (res) => {
          status = res.statusCode ?? 0;
          res.resume().on('end', resolve);
        });
        req.on('error', reject);
        Readable.from(blocks()).pipe(req);
      });
    });
    expect(status).toBe(200);
    expect(uploadBytes).toBe(TOTAL);
    expect(uploadSha).toBe(sha);
    console.log(
      `upload RSS growth: relay ${(growth[0]! / MiB).toFixed(1)} MiB, client ${(growth[1]! / MiB).toFixed(1)} MiB`,
    );
    expect(growth[0]).toBeLessThan(64 * MiB);
    expect(growth[1]).toBeLessThan(64 * MiB);
  });

  it('downloads 256 MiB byte-exact with relay and client RSS growth under 64 MiB', async () => {
    let received = '';
    let bytes = 0;
    const growth = await rssGrowthDuring([relay.pid, client.pid], async () => {
      await new Promise<void>((resolve, reject) => {
        request(url(), { agent: new Agent() }, (res) => {
          const hash = createHash('sha256');
          res.on('data', (chunk: Buffer) => {
            hash.update(chunk);
            bytes += chunk.length;
          });
          res.on('end', () => {
            received = hash.digest('hex');
            resolve();
          });
        })
          .on('error', reject)
          .end();
      });
    });
    expect(bytes).toBe(TOTAL);
    expect(received).toBe(sha);
    console.log(
      `download RSS growth: relay ${(growth[0]! / MiB).toFixed(1)} MiB, client ${(growth[1]! / MiB).toFixed(1)} MiB`,
    );
    expect(growth[0]).toBeLessThan(64 * MiB);
    expect(growth[1]).toBeLessThan(64 * MiB);
  });
});
