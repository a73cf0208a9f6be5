import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startRedis, type TestRedis } from '@hookline/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, isolatedEnv, RELAY_LISTENING, spawnCli } from './test-support/cli-process.js';
import { builtChunksContaining, CLUSTER_CHUNK_MARKER, importTrace } from './test-support/import-trace.js';
import { type Origin, send, startOrigin } from './test-support/origin.js';

describe('hookline relay --redis (two nodes), token create --redis, http --relay a,b', () => {
  let redis: TestRedis;
  let dir: string;
  let procs: CliProcess[] = [];
  let origin: Origin;
  const secret = randomBytes(16).toString('hex');

  beforeAll(async () => {
    redis = await startRedis();
  });

  afterEach(async () => {
    for (const proc of procs) await proc.stop();
    procs = [];
    await origin?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  afterAll(async () => {
    await redis?.close();
  });

  const start = (args: string[], env: Record<string, string> = {}) => {
    const proc = spawnCli(args, { cwd: dir, env: { ...isolatedEnv(dir), ...env } });
    procs.push(proc);
    return proc;
  };

  it('forwards a webhook sent to either node to a client connected to one of them', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-cli-cluster-'));
    origin = await startOrigin();
    const created = spawnCli(['token', 'create', '--redis', redis.url, '--json'], { cwd: dir, env: isolatedEnv(dir) });
    expect((await created.exited).code).toBe(0);
    const { token } = JSON.parse(created.output('stdout')) as { token: string };

    const ports = [await freePort(), await freePort()];
    // The first node's module loads are traced: cluster mode is what loads ioredis
    // (and the trace can see it: the e2e tests that no other command loads it rely on that).
    const trace = importTrace(dir);
    for (const [i, port] of ports.entries()) {
      const node = start(
        [
          'relay',
          '--port',
          String(port),
          '--host',
          '127.0.0.1',
          '--auth',
          'required',
          '--redis',
          redis.url,
          '--node-url',
          `http://127.0.0.1:${port}`,
          '--cluster-secret',
          secret,
        ],
        i === 0 ? { NODE_OPTIONS: trace.nodeOptions } : {},
      );
      await node.waitForLine('stdout', RELAY_LISTENING);
    }
    const loaded = readFileSync(trace.log, 'utf8');
    expect(loaded).toMatch(/node_modules\/ioredis\//);
    const [clusterChunk, ...others] = builtChunksContaining(CLUSTER_CHUNK_MARKER);
    expect(others).toEqual([]);
    expect(loaded).toContain(`/dist/${clusterChunk}`);
    const nodes = ports.map((port) => `http://127.0.0.1:${port}`);
    const http = start([
      'http',
      String(origin.port),
      '--relay',
      nodes.join(','),
      '--token',
      token,
      '--name',
      'shop',
      '--no-tui',
    ]);
    await http.waitForLine('stdout', /^Forwarding /);
    for (const node of nodes) {
      const reply = await send(`${node}/t/shop/hook`, { method: 'POST', body: '{"n":1}' });
      expect(reply.status).toBe(200);
      expect(reply.body).toBe('origin saw POST /hook (7 bytes)');
    }
  });

  it('refuses a half-configured cluster node in one clear line', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-cli-cluster-'));
    origin = await startOrigin();
    const node = spawnCli(['relay', '--port', '0', '--redis', redis.url], { cwd: dir, env: isolatedEnv(dir) });
    const exit = await node.exited;
    expect(exit.code).toBe(1);
    expect(node.output('stderr').trim().split('\n')).toHaveLength(1);
    expect(node.output('stderr')).toMatch(/--node-url/);
  });
});
