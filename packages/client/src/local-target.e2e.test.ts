import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { type AddressInfo, connect, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { makeCertificate, type Origin, readBody, startOrigin } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { call, sha256 } from './test-support/http-call.js';
import { type InProcessTunnel, openInProcessTunnel } from './test-support/in-process-tunnel.js';

/** One raw HTTP/1.1 exchange on its own connection: the bytes of the whole response. */
function rawCall(port: number, request: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
  });
}

/** A local server that answers every request with these exact status-line reason bytes. */
async function reasonPhraseServer(): Promise<TcpServer> {
  const server = createTcpServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', (chunk: Buffer) => {
      const path = chunk.toString('latin1').split(' ')[1] ?? '/';
      const reason = path === '/utf8' ? Buffer.from('Gut \u2713 Não', 'utf8') : Buffer.from([0x4e, 0xe3, 0x6f]);
      socket.end(Buffer.concat([Buffer.from('HTTP/1.1 200 '), reason, Buffer.from('\r\nContent-Length: 2\r\n\r\nok')]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** How the client talks to local servers that are not plain and polite. */
describe('local targets: HTTPS, Expect, early answers, informational responses', () => {
  let local: Origin;
  let through: InProcessTunnel;
  let base: string;

  beforeAll(async () => {
    local = await startOrigin(async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/early') {
        // Answers before reading the upload, then closes: the caller must still get the 413.
        res.writeHead(413, { 'content-type': 'text/plain', connection: 'close' });
        return void res.end('too big for me');
      }
      if (url.pathname === '/hints') {
        res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      }
      const body = await readBody(req);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ sha: sha256(body), length: body.length, expect: req.headers.expect ?? null }));
    });
    through = await openInProcessTunnel(local.port, 'targets', { maxBodyBytes: 64 * 1024 * 1024 });
    base = through.base;
  });

  afterAll(async () => {
    await through?.close();
    await local?.close();
  });

  it('forwards a request sent with Expect: 100-continue (the relay answers the 100)', async () => {
    const body = Buffer.alloc(200_000, 'e');
    const res = await call(`${base}/continue`, { method: 'POST', headers: { expect: '100-continue' }, body });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ sha: sha256(body), length: body.length, expect: null });
  });

  it('passes the real response when the local server answers before reading a streamed upload', async () => {
    const upload = new PassThrough();
    const pending = call(`${base}/early`, {
      method: 'POST',
      body: upload,
      headers: { 'transfer-encoding': 'chunked' },
    });
    upload.write(Buffer.alloc(64 * 1024, 'u'));
    setTimeout(() => upload.end(Buffer.alloc(64 * 1024, 'u')), 50);
    const res = await pending;
    expect(res.status).toBe(413);
    expect(res.body.toString()).toBe('too big for me');
    // The tunnel is still good for the next request.
    const next = await call(`${base}/after`, { method: 'POST', body: 'next' });
    expect(next.status).toBe(200);
  });

  it('skips 103 Early Hints and forwards the final response', async () => {
    const res = await call(`${base}/hints`, { method: 'POST', body: 'hi' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString()).sha).toBe(sha256('hi'));
  });

  it('answers 400 E_BAD_REQUEST, naming hookline, for a request that cannot be forwarded (two Host headers)', async () => {
    const port = new URL(base).port;
    const raw = await rawCall(
      Number(port),
      'GET /t/targets/dup HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n',
    );
    const text = raw.toString('latin1');
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text.toLowerCase()).toContain('hookline-error: e_bad_request');
    expect(text).toContain('hookline cannot forward this request');
  });
});

describe('reason phrases the local server writes', () => {
  let server: TcpServer;
  let through: InProcessTunnel;

  beforeAll(async () => {
    server = await reasonPhraseServer();
    through = await openInProcessTunnel((server.address() as AddressInfo).port, 'reasons');
  });

  afterAll(async () => {
    await through?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  const get = (path: string) =>
    rawCall(through.port, `GET /t/reasons${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);

  it('passes UTF-8 bytes in the reason phrase through byte-exact', async () => {
    const raw = await get('/utf8');
    const statusLine = raw.subarray(0, raw.indexOf('\r\n'));
    expect(
      statusLine.equals(Buffer.concat([Buffer.from('HTTP/1.1 200 '), Buffer.from('Gut \u2713 Não', 'utf8')])),
    ).toBe(true);
    expect(raw.toString('latin1').endsWith('\r\n\r\nok')).toBe(true);
  });

  it('still answers (without the phrase) when it is not valid UTF-8, and the relay keeps serving', async () => {
    const raw = (await get('/latin1')).toString('latin1');
    expect(raw).toMatch(/^HTTP\/1\.1 200 /);
    expect(raw.endsWith('\r\n\r\nok')).toBe(true);
    expect((await get('/utf8')).toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
  });
});

describe('a WebSocket to the local target', () => {
  it('is closed on the local side when the tunnel closes', async () => {
    const local = await startOrigin((_req, res) => res.end());
    const wss = new WebSocketServer({ server: local.server });
    const closedLocally = new Promise<void>((resolve) =>
      wss.on('connection', (socket) => socket.once('close', () => resolve())),
    );
    const { tunnel, port, close } = await openInProcessTunnel(local.port, 'sockets');
    try {
      const caller = new WebSocket(`ws://127.0.0.1:${port}/t/sockets/live`);
      caller.on('error', () => {});
      await new Promise<void>((resolve, reject) => {
        caller.once('open', () => resolve());
        caller.once('error', reject);
      });
      await tunnel.close();
      await closedLocally;
      caller.terminate();
    } finally {
      await close();
      wss.close();
      await local.close();
    }
  });
});

describe('an HTTPS local target with a self-signed certificate', () => {
  let dir: string;
  let server: HttpsServer;
  let through: InProcessTunnel;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-https-'));
    const { cert, key } = makeCertificate(dir);
    server = createHttpsServer({ cert: readFileSync(cert), key: readFileSync(key) }, async (req, res) => {
      const body = await readBody(req);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ secure: true, host: req.headers.host, sha: sha256(body) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    through = await openInProcessTunnel(`https://127.0.0.1:${port}`, 'secure');
    base = through.base;
  });

  afterAll(async () => {
    await through?.close();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its TLS connection when callers use different Host headers (one server name per tunnel)', async () => {
    let handshakes = 0;
    const count = () => {
      handshakes += 1;
    };
    server.on('secureConnection', count);
    try {
      for (let i = 0; i < 10; i++) {
        const res = await call(`${base}/host/${i}`, { headers: { host: i % 2 ? 'a.example' : 'b.example' } });
        expect(res.status).toBe(200);
      }
    } finally {
      server.off('secureConnection', count);
    }
    expect(handshakes).toBeLessThanOrEqual(1);
  });

  it('forwards requests and bodies over TLS, certificate unchecked as for a dev server', async () => {
    const body = Buffer.alloc(300_000, 's');
    const res = await call(`${base}/pay`, { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toMatchObject({ secure: true, sha: sha256(body) });
  });
});
