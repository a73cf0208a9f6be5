import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createRelay, type Relay } from '@hookline/relay';
import { type Origin, readBody, startOrigin } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { connectTunnel, type Tunnel } from './connect-tunnel.js';
import { call, sha256 } from './test-support/http-call.js';

const binary = randomBytes(3 * 1024 * 1024 + 17);
const gzipped = gzipSync(Buffer.from('hello '.repeat(10_000)));
/** Lets a test release a response the origin is holding, to prove streaming. */
const gates = new Map<string, () => void>();

async function origin(): Promise<Origin> {
  const server = await startOrigin(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await readBody(req).catch(() => null);
    if (body === null) return; // the caller went away mid-upload
    switch (url.pathname) {
      case '/binary':
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        return void res.end(binary);
      case '/gzip':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
        return void res.end(gzipped);
      case '/cookies':
        res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/']);
        res.setHeader('x-dup', ['one', 'two']);
        return void res.end('ok');
      case '/silent':
        return; // never answers
      case '/stream':
      case '/events': {
        const events = url.pathname === '/events';
        res.writeHead(200, { 'content-type': events ? 'text/event-stream' : 'text/plain' });
        res.write(events ? 'data: first\n\n' : 'first;');
        await new Promise<void>((resolve) => gates.set(url.searchParams.get('gate') ?? '', resolve));
        return void res.end(events ? 'data: second\n\n' : 'second;');
      }
      default:
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            method: req.method,
            url: req.url,
            rawHeaders: req.rawHeaders,
            bodySha: sha256(body),
            bodyLength: body.length,
          }),
        );
    }
  });
  const wss = new WebSocketServer({ server: server.server, path: '/ws' });
  wss.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
  return server;
}

/**
 * The client reaches a relay over a WebSocket, or in process (`hookline http`'s
 * embedded relay): every end-to-end case runs over both links.
 */
const links = [
  { link: 'websocket', relayOf: (relay: Relay) => relay.url },
  { link: 'in-process link', relayOf: (relay: Relay) => relay },
] as const;

describe.each(links)('tunnel end to end over a $link (relay + client + local server, real sockets)', ({ relayOf }) => {
  let local: Origin;
  let relay: Relay;
  let tunnel: Tunnel;
  let base: string;
  let relayPort: number;

  beforeAll(async () => {
    local = await origin();
    relay = createRelay({ domain: 'localhost', maxBodyBytes: 8 * 1024 * 1024 });
    relayPort = (await relay.listen(0, '127.0.0.1')).port;
    tunnel = await connectTunnel({ relay: relayOf(relay), target: local.port, name: 'demo', localTimeoutMs: 400 });
    base = `http://127.0.0.1:${relayPort}/t/demo`;
  });

  afterAll(async () => {
    await tunnel?.close();
    await relay?.close();
    await local?.close();
  });

  it('reports its public URLs, host-style first', () => {
    expect(tunnel.name).toBe('demo');
    expect(tunnel.urls).toEqual([`http://demo.localhost:${relayPort}`, `http://localhost:${relayPort}/t/demo`]);
  });

  it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND'])(
    'forwards %s with path and query',
    async (method) => {
      const res = await call(`${base}/a/b%20c?x=1&y=%2F&x=2`, {
        method,
        body: method === 'GET' ? undefined : 'payload',
      });
      expect(res.status).toBe(200);
      const echo = JSON.parse(res.body.toString());
      expect(echo.method).toBe(method);
      expect(echo.url).toBe('/a/b%20c?x=1&y=%2F&x=2');
      if (method !== 'GET') expect(echo.bodySha).toBe(sha256('payload'));
    },
  );

  it('forwards HEAD: headers, no body', async () => {
    const res = await call(`${base}/head`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body.length).toBe(0);
  });

  it('routes by host: <name>.<domain> reaches the tunnel with the path as is', async () => {
    const res = await call(`http://127.0.0.1:${relayPort}/t/other/x?q=1`, {
      headers: { host: `demo.localhost:${relayPort}` },
    });
    expect(JSON.parse(res.body.toString()).url).toBe('/t/other/x?q=1');
  });

  it('tells the client the public path routing stripped (publicPath), and none when the path is as is', async () => {
    const heads: Array<{ target: string; publicPath?: string | undefined }> = [];
    const listener = (e: { head: { target: string; publicPath?: string | undefined } }) => heads.push(e.head);
    tunnel.on('request', listener);
    try {
      await call(`${base}/webhooks/stripe?x=1`, { method: 'POST', body: 'a' });
      await call(`http://127.0.0.1:${relayPort}/t/other/x?q=1`, { headers: { host: `demo.localhost:${relayPort}` } });
    } finally {
      tunnel.off('request', listener);
    }
    expect(heads.map((head) => [head.target, head.publicPath])).toEqual([
      ['/webhooks/stripe?x=1', '/t/demo/webhooks/stripe?x=1'],
      ['/t/other/x?q=1', undefined],
    ]);
  });

  it('keeps repeated headers both ways, drops hop-by-hop ones and sets x-forwarded-*', async () => {
    const res = await call(`${base}/headers`, {
      headers: [
        'X-Multi',
        'a',
        'X-Multi',
        'b',
        'Connection',
        'keep-alive, X-Secret',
        'X-Secret',
        's',
        'Keep-Alive',
        'timeout=5',
        'Host',
        'shop.example',
      ],
    });
    const raw: string[] = JSON.parse(res.body.toString()).rawHeaders;
    const pairs = raw.flatMap((value, i) => (i % 2 === 0 ? [[value.toLowerCase(), raw[i + 1]] as const] : []));
    expect(pairs.filter(([name]) => name === 'x-multi').map(([, v]) => v)).toEqual(['a', 'b']);
    expect(pairs.some(([name]) => name === 'x-secret' || name === 'keep-alive')).toBe(false);
    expect(pairs).toContainEqual(['host', 'shop.example']);
    expect(pairs).toContainEqual(['x-forwarded-for', '127.0.0.1']);
    expect(pairs).toContainEqual(['x-forwarded-proto', 'http']);
    expect(pairs).toContainEqual(['x-forwarded-host', 'shop.example']);

    const cookies = await call(`${base}/cookies`);
    expect(cookies.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(cookies.rawHeaders.filter((_, i, all) => i % 2 === 1 && all[i - 1]?.toLowerCase() === 'x-dup')).toEqual([
      'one',
      'two',
    ]);
  });

  it('carries 0-byte and binary bodies byte-exact (sha256 on both sides)', async () => {
    const empty = JSON.parse((await call(`${base}/empty`, { method: 'POST', body: Buffer.alloc(0) })).body.toString());
    expect(empty.bodyLength).toBe(0);
    const upload = JSON.parse((await call(`${base}/upload`, { method: 'POST', body: binary })).body.toString());
    expect(upload.bodySha).toBe(sha256(binary));
    const download = await call(`${base}/binary`);
    expect(sha256(download.body)).toBe(sha256(binary));
    const gzip = await call(`${base}/gzip`);
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gzip.body.equals(gzipped)).toBe(true);
  });

  it('streams chunked and server-sent-event responses incrementally', async () => {
    for (const path of ['stream', 'events']) {
      const gate = `${path}-${Math.random()}`;
      const received = await new Promise<string[]>((resolve, reject) => {
        const parts: string[] = [];
        const req = new Agent();
        import('node:http').then(({ get }) =>
          get(`${base}/${path}?gate=${gate}`, { agent: req }, (res) => {
            res.on('data', (chunk: Buffer) => {
              parts.push(chunk.toString());
              // The second part is only sent once the first has arrived here.
              if (parts.length === 1) gates.get(gate)?.();
            });
            res.on('end', () => resolve(parts));
          }).on('error', reject),
        );
      });
      expect(received.join('')).toMatch(/first.*second/s);
      expect(received[0]).toMatch(/first/);
      expect(received[0]).not.toMatch(/second/);
    }
  });

  it('handles 200 concurrent exchanges on one tunnel', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 200 });
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => call(`${base}/c/${i}`, { method: 'POST', body: `body-${i}`, agent })),
      );
      results.forEach((res, i) => {
        const echo = JSON.parse(res.body.toString());
        expect(echo.url).toBe(`/c/${i}`);
        expect(echo.bodySha).toBe(sha256(`body-${i}`));
      });
    } finally {
      agent.destroy();
    }
  });

  it('passes a WebSocket through the tunnel (text and binary echo)', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${relayPort}/t/demo/ws`);
    try {
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      const echoed = (data: string | Buffer) =>
        new Promise<Buffer>((resolve) => {
          socket.once('message', (reply: Buffer) => resolve(reply));
          socket.send(data);
        });
      expect((await echoed('hello hmr')).toString()).toBe('hello hmr');
      const blob = randomBytes(200_000);
      expect((await echoed(blob)).equals(blob)).toBe(true);
    } finally {
      socket.terminate();
    }
  });

  it('answers 504 E_LOCAL_TIMEOUT when the local server stays silent', async () => {
    const res = await call(`${base}/silent`);
    expect(res.status).toBe(504);
    expect(res.headers['hookline-error']).toBe('E_LOCAL_TIMEOUT');
  });

  it('answers 404 E_TUNNEL_NOT_FOUND for an unknown tunnel', async () => {
    const res = await call(`http://127.0.0.1:${relayPort}/t/nobody-here/`);
    expect(res.status).toBe(404);
    expect(res.headers['hookline-error']).toBe('E_TUNNEL_NOT_FOUND');
  });

  it('answers 413 E_BODY_TOO_LARGE for a body over the limit, with and without Content-Length', async () => {
    const big = Buffer.alloc(9 * 1024 * 1024);
    const declared = await call(`${base}/big`, { method: 'POST', body: big });
    expect(declared.status).toBe(413);
    expect(declared.headers['hookline-error']).toBe('E_BODY_TOO_LARGE');
    const { Readable } = await import('node:stream');
    const chunked = await call(`${base}/big`, { method: 'POST', body: Readable.from([big]) }).catch(() => null);
    // The relay may cut the connection after answering; when the answer arrives it is a 413.
    if (chunked) expect(chunked.status).toBe(413);
  });

  it('refuses a second client asking for a name in use with E_NAME_IN_USE, not a rename', async () => {
    await expect(connectTunnel({ relay: relayOf(relay), target: local.port, name: 'demo' })).rejects.toMatchObject({
      code: 'E_NAME_IN_USE',
      status: 409,
      message: expect.stringMatching(/^the relay refused: tunnel name "demo" is in use by another client from 127/),
    });
    expect(tunnel.state.state).toBe('online');
  });
});

describe('tunnel failure modes', () => {
  it('answers 502 E_LOCAL_REFUSED when nothing listens locally', async () => {
    const closed = await startOrigin(() => {});
    const port = closed.port;
    await closed.close();
    const relay = createRelay();
    const { port: relayPort } = await relay.listen(0, '127.0.0.1');
    const tunnel = await connectTunnel({ relay: relay.url, target: port });
    try {
      const res = await call(`http://127.0.0.1:${relayPort}/t/${tunnel.name}/`);
      expect(res.status).toBe(502);
      expect(res.headers['hookline-error']).toBe('E_LOCAL_REFUSED');
      expect(res.body.toString()).toMatch(/refused/);
    } finally {
      await tunnel.close();
      await relay.close();
    }
  });

  it('reconnects after a relay restart and keeps its name', async () => {
    const local = await startOrigin((_req, res) => res.end('alive'));
    let relay = createRelay();
    const { port } = (await relay.listen(0, '127.0.0.1')) as AddressInfo;
    const tunnel = await connectTunnel({
      relay: relay.url,
      target: local.port,
      name: 'phoenix',
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    const states: string[] = [];
    tunnel.on('state', (state) => states.push(state.state));
    try {
      const backOnline = new Promise<void>((resolve) => {
        tunnel.on('state', (state) => state.state === 'online' && resolve());
      });
      await relay.close();
      relay = createRelay();
      await relay.listen(port, '127.0.0.1');
      await backOnline;
      expect(states).toContain('reconnecting');
      const res = await call(`http://127.0.0.1:${port}/t/phoenix/`);
      expect(res.body.toString()).toBe('alive');
    } finally {
      await tunnel.close();
      await relay.close();
      await local.close();
    }
  });

  it('fails with E_RELAY_UNREACHABLE when no relay listens', async () => {
    await expect(connectTunnel({ relay: 'http://127.0.0.1:1', target: 3000 })).rejects.toMatchObject({
      code: 'E_RELAY_UNREACHABLE',
    });
  });

  it('tells the local server when the caller hangs up mid-response', async () => {
    let localClosed: () => void = () => {};
    const closedLocally = new Promise<void>((resolve) => {
      localClosed = resolve;
    });
    const local = await startOrigin((_req, res) => {
      res.writeHead(200);
      res.write('partial');
      res.on('close', () => localClosed());
    });
    const relay = createRelay();
    const { port } = await relay.listen(0, '127.0.0.1');
    const tunnel = await connectTunnel({ relay: relay.url, target: local.port });
    try {
      const { get } = await import('node:http');
      await new Promise<void>((resolve) => {
        const req = get(`http://127.0.0.1:${port}/t/${tunnel.name}/`, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => {});
      });
      await closedLocally;
    } finally {
      await tunnel.close();
      await relay.close();
      await local.close();
    }
  });
});

describe('exchange observer (capture taps)', () => {
  it('sees every request and response body byte, and the events carry heads and timings', async () => {
    const payload = randomBytes(300_000);
    const local = await startOrigin(async (req, res) => {
      const body = await readBody(req);
      res.writeHead(201, { 'x-echo': 'yes' });
      res.end(Buffer.concat([body, body]));
    });
    const relay = createRelay();
    const { port } = await relay.listen(0, '127.0.0.1');
    const requestChunks: Buffer[] = [];
    const responseChunks: Buffer[] = [];
    const tunnel = await connectTunnel({
      relay: relay.url,
      target: local.port,
      observer: {
        requestBody: (_id, chunk) => requestChunks.push(Buffer.from(chunk)),
        responseBody: (_id, chunk) => responseChunks.push(Buffer.from(chunk)),
      },
    });
    const events: string[] = [];
    tunnel.on('request', (e) => events.push(`request ${e.head.method} ${e.head.target}`));
    tunnel.on('response', (e) => events.push(`response ${e.status}`));
    const done = new Promise<import('./events.js').ExchangeEvent>((resolve) => tunnel.once('exchange', resolve));
    try {
      const res = await call(`http://127.0.0.1:${port}/t/${tunnel.name}/cap?x=1`, { method: 'POST', body: payload });
      expect(res.status).toBe(201);
      const exchange = await done;
      expect(events).toEqual(['request POST /cap?x=1', 'response 201']);
      expect(sha256(Buffer.concat(requestChunks))).toBe(sha256(payload));
      expect(sha256(Buffer.concat(responseChunks))).toBe(sha256(Buffer.concat([payload, payload])));
      expect(exchange).toMatchObject({ method: 'POST', path: '/cap?x=1', status: 201, error: null });
      expect(exchange.requestBytes).toBe(payload.length);
      expect(exchange.responseBytes).toBe(payload.length * 2);
    } finally {
      await tunnel.close();
      await relay.close();
      await local.close();
    }
  });
});
