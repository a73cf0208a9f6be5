import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createRelay, type Relay } from '@hookline/relay';
import { type Origin, readBody, startOrigin } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTunnel, type Tunnel } from './connect-tunnel.js';
import { call, sha256 } from './test-support/http-call.js';

/** How the client talks to local servers that are not plain and polite. */
describe('local targets: HTTPS, Expect, early answers, informational responses', () => {
  let relay: Relay;
  let local: Origin;
  let tunnel: Tunnel;
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
    relay = createRelay({ maxBodyBytes: 64 * 1024 * 1024 });
    const port = (await relay.listen(0, '127.0.0.1')).port;
    tunnel = await connectTunnel({ relay: relay.url, target: local.port, name: 'targets' });
    base = `http://127.0.0.1:${port}/t/targets`;
  });

  afterAll(async () => {
    await tunnel?.close();
    await relay?.close();
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
});

describe('an HTTPS local target with a self-signed certificate', () => {
  let dir: string;
  let server: HttpsServer;
  let relay: Relay;
  let tunnel: Tunnel;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-https-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
        ...['-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost'],
      ],
      { stdio: 'ignore' },
    );
    server = createHttpsServer({ cert: readFileSync(cert), key: readFileSync(key) }, async (req, res) => {
      const body = await readBody(req);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ secure: true, host: req.headers.host, sha: sha256(body) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    relay = createRelay();
    const relayPort = (await relay.listen(0, '127.0.0.1')).port;
    tunnel = await connectTunnel({ relay: relay.url, target: `https://127.0.0.1:${port}`, name: 'secure' });
    base = `http://127.0.0.1:${relayPort}/t/secure`;
  });

  afterAll(async () => {
    await tunnel?.close();
    await relay?.close();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('forwards requests and bodies over TLS, certificate unchecked as for a dev server', async () => {
    const body = Buffer.alloc(300_000, 's');
    const res = await call(`${base}/pay`, { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toMatchObject({ secure: true, sha: sha256(body) });
  });
});
