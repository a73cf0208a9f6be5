import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRelay, createToken, type Relay } from '@hookline/relay';
import { type Origin, readBody, startOrigin } from '@hookline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectTunnel, type Tunnel } from './connect-tunnel.js';
import { call } from './test-support/http-call.js';

const PASSWORD = 'alice:s3cret-pass';
const AUTHORIZATION = `Basic ${Buffer.from(PASSWORD).toString('base64')}`;

/** Every file and folder under `dir`, with its permission bits. */
function modesUnder(dir: string): Array<{ path: string; dir: boolean; mode: number }> {
  const found: Array<{ path: string; dir: boolean; mode: number }> = [];
  const walk = (path: string) => {
    const stat = statSync(path);
    found.push({ path, dir: stat.isDirectory(), mode: stat.mode & 0o777 });
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  walk(dir);
  return found;
}

describe("the tunnel's own basic auth stays at the relay", () => {
  let dataDir: string;
  let token: string;
  let relay: Relay;
  let port: number;
  let local: Origin;
  let seen: IncomingHttpHeaders[];
  let tunnels: Tunnel[];

  beforeEach(async () => {
    // A folder that does not exist yet: the relay creates it, so it decides its mode.
    dataDir = join(mkdtempSync(join(tmpdir(), 'hookline-creds-')), 'data');
    token = (await createToken(dataDir, 'test')).token;
    relay = createRelay({ dataDir, auth: 'required', queue: { initialDelayMs: 20, maxDelayMs: 40 } });
    port = (await relay.listen(0, '127.0.0.1')).port;
    seen = [];
    tunnels = [];
    local = await startOrigin(async (req, res) => {
      await readBody(req);
      seen.push(req.headers);
      res.end('ok');
    });
  });

  afterEach(async () => {
    for (const tunnel of tunnels) await tunnel.close();
    await relay.close();
    await local.close();
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  async function open(access: { basicAuth: string; forwardAuth?: boolean }, queue?: 'serial'): Promise<Tunnel> {
    const tunnel = await connectTunnel({
      relay: relay.url,
      target: local.port,
      token,
      name: 'shop',
      access,
      ...(queue ? { queue } : {}),
    });
    tunnels.push(tunnel);
    return tunnel;
  }

  const post = (body: string) =>
    call(`http://127.0.0.1:${port}/t/shop/hook`, { method: 'POST', body, headers: { authorization: AUTHORIZATION } });

  it('removes the Authorization header it checked before forwarding', async () => {
    await open({ basicAuth: PASSWORD });
    expect((await post('live')).status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.authorization).toBeUndefined();
    // The check itself still applies.
    const anonymous = await call(`http://127.0.0.1:${port}/t/shop/hook`, { method: 'POST', body: 'x' });
    expect(anonymous.status).toBe(401);
  });

  it('forwards it when the tunnel asks for it (--forward-auth)', async () => {
    await open({ basicAuth: PASSWORD, forwardAuth: true });
    expect((await post('live')).status).toBe(200);
    expect(seen[0]?.authorization).toBe(AUTHORIZATION);
  });

  it('never writes it into the queue, and keeps every data file 0600 in 0700 folders', async () => {
    const tunnel = await open({ basicAuth: PASSWORD }, 'serial');
    await tunnel.close();
    expect((await post('queued while away')).status).toBe(202);
    const files = modesUnder(dataDir);
    const contents = files.filter((f) => !f.dir).map((f) => readFileSync(f.path, 'latin1'));
    // The queue database (or its WAL) holds the body as it came: the check below sees the stored bytes.
    expect(contents.join('\n')).toContain('queued while away');
    for (const text of contents) {
      expect(text).not.toContain(Buffer.from(PASSWORD).toString('base64'));
      expect(text).not.toContain(PASSWORD);
    }
    expect(files.map((f) => f.path.slice(dataDir.length))).toEqual(
      expect.arrayContaining(['', '/tokens.json', '/names.json', '/queue.db', '/queue.db-wal', '/relay.lock']),
    );
    for (const file of files)
      expect({ path: file.path, mode: file.mode }).toEqual({ path: file.path, mode: file.dir ? 0o700 : 0o600 });
    // Delivered once the client is back, still without the credentials.
    const back = await open({ basicAuth: PASSWORD }, 'serial');
    expect(back.state.state).toBe('online');
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]?.authorization).toBeUndefined();
  });
});
