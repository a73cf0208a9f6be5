import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Readable } from 'node:stream';
import { memoryOf, type Origin, spawnClient, spawnEmbedded, spawnRelay, startOrigin } from '@hookline/testing';
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

interface Shape {
  /** The relay's port on 127.0.0.1. */
  port: number;
  /** Every process the shape runs, named for the report. */
  processes: Array<{ name: string; pid: number }>;
  stop(): Promise<void>;
}

const relayOptions = { maxBodyBytes: 1024 * MiB };

/** Relay and client as separate processes, over a WebSocket. */
async function separateProcesses(target: number): Promise<Shape> {
  const relay = await spawnRelay({ options: relayOptions });
  const client = await spawnClient({ relay: relay.ready.url, target, name: 'bulk' });
  return {
    port: relay.ready.port,
    processes: [
      { name: 'relay', pid: relay.pid },
      { name: 'client', pid: client.pid },
    ],
    async stop() {
      await client.stop();
      await relay.stop();
    },
  };
}

/** Relay and client in one process over the in-process link, as `hookline http` runs them. */
async function oneProcess(target: number): Promise<Shape> {
  const embedded = await spawnEmbedded({ relay: relayOptions, tunnel: { target, name: 'bulk' } });
  return {
    port: embedded.ready.port,
    processes: [{ name: 'relay and client', pid: embedded.pid }],
    stop: () => embedded.stop(),
  };
}

const shapes = [
  { shape: 'relay and client processes (WebSocket)', start: separateProcesses },
  { shape: 'one process, embedded relay (in-process link)', start: oneProcess },
];

function report(what: string, shape: Shape, growth: number[]): void {
  const parts = shape.processes.map(({ name }, i) => `${name} ${((growth[i] ?? 0) / MiB).toFixed(1)} MiB`);
  console.log(`${what} RSS growth: ${parts.join(', ')}`);
}

describe.each(shapes)('streaming 256 MiB through $shape', ({ start }) => {
  let shape: Shape;
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
    shape = await start(local.port);
  });

  afterAll(async () => {
    await shape?.stop();
    await local?.close();
  });

  const url = () => `http://127.0.0.1:${shape.port}/t/bulk/data`;
  const pids = () => shape.processes.map(({ pid }) => pid);

  it('uploads 256 MiB byte-exact with the RSS growth of each process under 64 MiB', async () => {
    let status = 0;
    const growth = await rssGrowthDuring(pids(), async () => {
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
    report('upload', shape, growth);
    for (const bytes of growth) expect(bytes).toBeLessThan(64 * MiB);
  });

  it('downloads 256 MiB byte-exact with the RSS growth of each process under 64 MiB', async () => {
    let received = '';
    let bytes = 0;
    const growth = await rssGrowthDuring(pids(), async () => {
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
    report('download', shape, growth);
    for (const bytes of growth) expect(bytes).toBeLessThan(64 * MiB);
  });
});
