import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCertificate, type NodeChild, type Origin, spawnClient, startOrigin } from '@hookline/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killServices, startService } from './test-support/service-process.js';

function httpsGet(url: string, ca: Buffer, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpsRequest(url, { ca, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('relay service with --tls-cert/--tls-key', () => {
  let dir: string;
  let files: { cert: string; key: string };
  let ca: Buffer;
  let origin: Origin | undefined;
  let client: NodeChild<{ url: string }> | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookline-tls-'));
    files = makeCertificate(dir);
    ca = readFileSync(files.cert);
    return () => rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await client?.kill();
    await origin?.close();
    client = undefined;
    origin = undefined;
    await killServices();
  });

  it('serves HTTPS and the WSS tunnel endpoint on one port', async () => {
    const token = 'tls-metrics-token-0123456789';
    const service = await startService(['--tls-cert', files.cert, '--tls-key', files.key, '--metrics-token', token]);
    expect(service.url).toBe(`https://127.0.0.1:${service.port}`);

    expect(await httpsGet(`${service.url}/_hookline/healthz`, ca)).toMatchObject({ status: 200 });
    // Plain HTTP on the TLS port gets no answer from the relay.
    await expect(
      new Promise((resolve, reject) =>
        httpGet(`http://127.0.0.1:${service.port}/_hookline/healthz`, resolve).on('error', reject),
      ),
    ).rejects.toThrow();

    let forwardedProto: string | undefined;
    origin = await startOrigin((req, res) => {
      forwardedProto = req.headers['x-forwarded-proto'] as string | undefined;
      res.end('secret handshake');
    });
    // The client process trusts the test certificate the way an operator's users would trust a real one.
    process.env.NODE_EXTRA_CA_CERTS = files.cert;
    try {
      client = await spawnClient({ relay: service.url, target: origin.port, name: 'secure' });
    } finally {
      delete process.env.NODE_EXTRA_CA_CERTS;
    }
    expect(client.ready.url).toBe(`${service.url}/t/secure`);

    const through = await httpsGet(`${service.url}/t/secure/hook`, ca, { 'x-request-id': 'tls-1' });
    expect(through).toEqual({ status: 200, body: 'secret handshake' });
    expect(forwardedProto).toBe('https');
    const exchange = await service.waitForLog((line) => line.msg === 'exchange');
    expect(exchange).toMatchObject({ requestId: 'tls-1', tunnel: 'secure', status: 200 });

    const metrics = await httpsGet(`${service.url}/_hookline/metrics`, ca, { authorization: `Bearer ${token}` });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('hookline_requests_total{status="200",code="none"} 1');
    expect(metrics.body).toContain('hookline_tunnels_online 1');

    service.child.kill('SIGTERM');
    expect(await service.exited).toEqual({ code: 0, signal: null });
  });

  it('refuses a key that does not match the certificate at start', async () => {
    const other = mkdtempSync(join(dir, 'other-'));
    const { key } = makeCertificate(other);
    const service = startService(['--tls-cert', files.cert, '--tls-key', key]);
    await expect(service).rejects.toThrow(/hookline-relay: TLS certificate or key rejected: .*\n$/);
  });
});
