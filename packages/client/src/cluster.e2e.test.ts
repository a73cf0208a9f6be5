import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Readable } from 'node:stream';
import {
  freePort,
  type NodeChild,
  type Origin,
  type RelayReady,
  readBody,
  spawnClient,
  spawnRelay,
  startOrigin,
  startRedis,
  type TestRedis,
} from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { connectTunnel } from './connect-tunnel.js';
import type { TunnelState } from './events.js';
import { call } from './test-support/http-call.js';

const token = `hl_${randomBytes(16).toString('hex')}`;
const secret = randomBytes(24).toString('hex');

describe('relay cluster: three nodes on one Redis (real processes, private redis-server)', () => {
  let redis: TestRedis;
  let local: Origin;
  const ports: number[] = [];
  const nodes: Array<NodeChild<RelayReady> | null> = [null, null, null];
  let client: NodeChild<{ url: string; name: string }> | null = null;
  let uploaded = 0;
  const queuedArrivals: string[] = [];

  const startNode = async (i: number) => {
    const port = ports[i] as number;
    nodes[i] = await spawnRelay({
      port,
      graceMs: 20_000,
      options: {
        auth: 'required',
        tokens: [token],
        heartbeatIntervalMs: 200,
        maxBodyBytes: 100 * 1024 * 1024,
      },
      cluster: { redisUrl: redis.url, nodeUrl: `http://127.0.0.1:${port}`, secret, leaseMs: 1_500 },
    });
  };
  const node = (i: number) => `http://127.0.0.1:${ports[i]}`;

  beforeAll(async () => {
    redis = await startRedis();
    local = await startOrigin(async (req, res) => {
      const body = await readBody(req).catch(() => Buffer.alloc(0));
      if (req.url?.startsWith('/upload')) uploaded = body.length;
      if (req.url?.startsWith('/queued')) queuedArrivals.push(body.toString());
      res.end(`local ${req.method} ${req.url} ${body.length}`);
    });
    // A WebSocket echo on the local server, for passthrough via a node that does not hold the tunnel.
    const echo = new WebSocketServer({ server: local.server, path: '/ws' });
    echo.on('connection', (socket) =>
      socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })),
    );
    for (let i = 0; i < 3; i++) ports.push(await freePort());
    for (let i = 0; i < 3; i++) await startNode(i);
    client = await spawnClient({
      relay: [node(0), node(1), node(2)],
      target: local.port,
      token,
      name: 'shop',
      reconnect: { initialDelayMs: 50, maxDelayMs: 300 },
    });
  });

  afterAll(async () => {
    await client?.kill();
    for (const relay of nodes) await relay?.kill();
    await local?.close();
    await redis?.close();
  });

  /** Poll `check` (each try bounded to 2 s: a frozen node must not hang the poll). */
  const until = async (check: () => Promise<boolean>, what: string, ms = 15_000) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const attempt = Promise.race([
        check().catch(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000)),
      ]);
      if (await attempt) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  it('a client on node 1 receives webhooks sent to nodes 2 and 3', async () => {
    for (const i of [0, 1, 2]) {
      const res = await call(`${node(i)}/t/shop/hook?via=${i}`, { method: 'POST', body: `from node ${i}` });
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe(`local POST /hook?via=${i} ${`from node ${i}`.length}`);
    }
    // An unknown name is still a 404 everywhere, not a proxy loop.
    expect((await call(`${node(2)}/t/nobody/`)).status).toBe(404);
  });

  it('passes a WebSocket through a node that does not hold the tunnel', async () => {
    for (const i of [0, 1, 2]) {
      const socket = new WebSocket(`ws://127.0.0.1:${ports[i]}/t/shop/ws`);
      try {
        await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
        const reply = new Promise<string>((resolve) =>
          socket.once('message', (data: Buffer) => resolve(data.toString())),
        );
        socket.send(`hello via node ${i}`);
        expect(await reply).toBe(`hello via node ${i}`);
      } finally {
        socket.terminate();
      }
    }
  });

  it('every node reports its store (Redis) ready', async () => {
    const health = await call(`${node(1)}/_hookline/readyz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString()).checks.store).toBe('redis ok');
  });

  it('one client per name across nodes: a second is refused with E_NAME_IN_USE, --takeover on another node stops the first', async () => {
    const open = (relay: string, takeover = false) =>
      connectTunnel({ relay, target: local.port, token, name: 'solo', ...(takeover ? { takeover } : {}) });
    const first = await open(node(0));
    try {
      await expect(open(node(1))).rejects.toMatchObject({ code: 'E_NAME_IN_USE', status: 409 });
      const failed = new Promise<TunnelState>((resolve) =>
        first.on('state', (state) => state.state === 'failed' && resolve(state)),
      );
      const second = await open(node(2), true);
      try {
        expect(await failed).toMatchObject({ code: 'E_NAME_IN_USE', message: expect.stringMatching(/taken over/) });
        const answered = await call(`${node(0)}/t/solo/which`);
        expect(answered.status).toBe(200);
        expect(second.state.state).toBe('online');
      } finally {
        await second.close();
      }
    } finally {
      await first.close();
    }
  });

  it('kill -9 of the node holding the tunnel: the client moves to another node, the name survives', async () => {
    await nodes[0]?.kill();
    nodes[0] = null;
    await until(
      async () => (await call(`${node(2)}/t/shop/after-failover`)).status === 200,
      'the tunnel back on a live node',
    );
    expect((await call(`${node(1)}/t/shop/x`)).body.toString()).toBe('local GET /x 0');
    await startNode(0);
    expect((await call(`${node(0)}/t/shop/y`)).body.toString()).toBe('local GET /y 0');
  });

  it('a node that was frozen past its lease does not answer from its stale session', async () => {
    // Find the node holding the tunnel now (the routing table says), freeze it until the client moves on, thaw it.
    const { Redis } = await import('ioredis');
    const redisClient = new Redis(redis.url);
    const route = JSON.parse((await redisClient.get('hookline:route:shop')) ?? '{}') as { node?: string };
    redisClient.disconnect();
    const holder = ports.findIndex((port) => route.node === `http://127.0.0.1:${port}`);
    expect(holder).toBeGreaterThanOrEqual(0);
    const frozen = nodes[holder] as NodeChild<RelayReady>;
    frozen.child.kill('SIGSTOP');
    try {
      const others = [0, 1, 2].filter((i) => nodes[i] && nodes[i] !== frozen);
      await until(
        async () => (await call(`${node(others[0] as number)}/t/shop/moved`)).status === 200,
        'the tunnel on another node',
      );
    } finally {
      frozen.child.kill('SIGCONT');
    }
    // The thawed node must send this to the node that holds the tunnel now.
    const res = await call(`${node(holder)}/t/shop/after-thaw`);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('local GET /after-thaw 0');
  });

  it('Redis restarted: the nodes recover without anyone touching them', async () => {
    await redis.stop(true);
    await redis.start();
    await until(async () => (await call(`${node(1)}/_hookline/readyz`)).status === 200, 'readyz after Redis restart');
    await until(
      async () => (await call(`${node(2)}/t/shop/after-redis`)).status === 200,
      'routing after Redis restart',
    );
  });

  it('queues webhooks sent to any node while the client is away, and delivers them all in order when it is back', async () => {
    const live = () => [0, 1, 2].filter((i) => nodes[i]);
    const options = {
      relay: [node(0), node(1), node(2)],
      target: local.port,
      token,
      name: 'queued-shop',
      queue: 'serial',
      reconnect: { initialDelayMs: 50, maxDelayMs: 300 },
      retryInitialConnect: true,
    };
    const first = await spawnClient(options);
    await first.kill();
    const sent: string[] = [];
    for (let i = 0; i < 30; i++) {
      const via = live()[i % live().length] as number;
      const body = `webhook-${i}`;
      let status = 0;
      // Like a provider: retry until a node accepts it (the client's old session may still be closing).
      for (let tries = 0; tries < 50 && status !== 202 && status !== 200; tries++) {
        status = (await call(`${node(via)}/t/queued-shop/queued`, { method: 'POST', body })).status;
        if (status !== 202 && status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect([200, 202]).toContain(status);
      sent.push(body);
    }
    const back = await spawnClient(options);
    try {
      await until(async () => new Set(queuedArrivals).size === 30, 'all 30 queued webhooks delivered');
      // Now kill -9 the node holding the tunnel: the client moves on, and what is sent meanwhile is kept.
      const { Redis } = await import('ioredis');
      const redisClient = new Redis(redis.url);
      const route = JSON.parse((await redisClient.get('hookline:route:queued-shop')) ?? '{}') as { node?: string };
      redisClient.disconnect();
      const holder = ports.findIndex((port) => route.node === `http://127.0.0.1:${port}`);
      await nodes[holder]?.kill();
      nodes[holder] = null;
      for (let i = 30; i < 50; i++) {
        const body = `webhook-${i}`;
        let status = 0;
        for (let tries = 0; tries < 100 && status !== 202 && status !== 200; tries++) {
          const via = live()[tries % live().length] as number;
          status = (await call(`${node(via)}/t/queued-shop/queued`, { method: 'POST', body })).status;
          if (status !== 202 && status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect([200, 202]).toContain(status);
        sent.push(body);
      }
      await until(async () => new Set(queuedArrivals).size === 50, 'all 50 webhooks delivered after the failover');
      const firsts = queuedArrivals.filter((body, i) => queuedArrivals.indexOf(body) === i);
      expect(firsts).toEqual(sent);
      await startNode(holder);
    } finally {
      await back.kill();
    }
  });

  it('SIGTERM during a 50 MiB upload: that upload completes, new requests go to other nodes', async () => {
    const size = 50 * 1024 * 1024;
    // Upload through a node that does not hold the tunnel, so the SIGTERM'd node is in the middle.
    const entry = [0, 1, 2].find((i) => nodes[i]) as number;
    const block = Buffer.alloc(64 * 1024, 7);
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent >= size) return void this.push(null);
        sent += block.length;
        // Slow enough that the upload is still running when SIGTERM arrives.
        setTimeout(() => this.push(block), sent % (4 * 1024 * 1024) === 0 ? 50 : 0);
      },
    });
    const upload = new Promise<number>((resolve, reject) => {
      const req = request(`${node(entry)}/t/shop/upload`, {
        method: 'POST',
        agent: new Agent(),
        headers: { 'content-length': size },
      });
      req.on('response', (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)));
      req.on('error', reject);
      source.pipe(req);
    });
    await until(async () => sent > 8 * 1024 * 1024, 'the upload under way');
    nodes[entry]?.child.kill('SIGTERM');
    const others = [0, 1, 2].filter((i) => i !== entry && nodes[i]);
    await until(
      async () => (await call(`${node(others[0] as number)}/t/shop/during-shutdown`)).status === 200,
      'a request via another node',
    );
    expect(await upload).toBe(200);
    expect(uploaded).toBe(size);
    nodes[entry] = null;
  });

  // Last: it locks this machine's address out of every node for a while.
  it('shares the failed-token budget between nodes: guesses spread over them get no more', async () => {
    const alive = [0, 1, 2].filter((i) => nodes[i]);
    const statuses: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const target = node(alive[i % alive.length] as number);
      const res = await call(`${target}/_hookline/connect`, { headers: { authorization: `Bearer hl_guess${i}` } });
      statuses.push(res.status);
    }
    // 20 a minute per address for the cluster, not 20 per node.
    expect(statuses.filter((status) => status === 401)).toHaveLength(20);
    expect(statuses.slice(20).every((status) => status === 429)).toBe(true);
  });
});
