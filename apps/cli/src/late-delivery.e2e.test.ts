import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { officialHeaders, officialVerify, SECRETS } from '@hookline/signatures/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureCliBuilt,
  isolatedEnv,
  runCli,
  spawnCli,
  startRelayCli,
  stopAllCli,
} from './test-support/cli-process.js';

/**
 * `hookline http --queue` against a `hookline relay` whose clock runs ten minutes
 * behind (a preloaded module shifts its `Date.now`): every webhook it takes is
 * stamped as received ten minutes ago, signed then by the sender, and reaches
 * the client — on the real clock, like its app — ten minutes late. That is a
 * laptop waking up to its queue, without waiting ten minutes. The app verifies
 * with Stripe's own `constructEvent` at the real time.
 */
const LATE_S = 600;

describe('hookline http: late queued webhooks (real relay and client processes)', () => {
  let dir: string;
  let app: Server;
  let appPort: number;
  let relayBase: string;
  let token: string;

  beforeAll(async () => {
    ensureCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'hookline-cli-late-'));
    app = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const headers = req.headers as Record<string, string | undefined>;
        const ok = await officialVerify('stripe', headers, Buffer.concat(chunks), Math.floor(Date.now() / 1000));
        res.writeHead(ok ? 200 : 400).end(ok ? 'verified' : 'signature rejected');
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appPort = (app.address() as AddressInfo).port;
    const data = join(dir, 'relay-data');
    const created = await runCli(['token', 'create', '--data-dir', data, '--json'], {
      cwd: dir,
      env: isolatedEnv(dir),
    });
    token = (JSON.parse(created.stdout) as { token: string }).token;
    const shift = join(dir, 'clock-behind.mjs');
    writeFileSync(shift, `const real = Date.now; Date.now = () => real() - ${LATE_S * 1000};\n`);
    const relay = await startRelayCli(['--port', '0', '--data-dir', data, '--auth', 'required'], {
      cwd: dir,
      env: isolatedEnv(dir, { NODE_OPTIONS: `--import=${shift}` }),
    });
    relayBase = relay.base;
  });

  /** This test's clients (the relay lives for the whole file). */
  let clients: Array<ReturnType<typeof spawnCli>> = [];
  afterEach(async () => {
    for (const client of clients) await client.stop();
    clients = [];
  });

  afterAll(async () => {
    await stopAllCli();
    await new Promise((resolve) => app.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  /** `hookline http --json --queue` on its own name and data dir; resolves once ready. */
  const startClient = async (name: string, args: string[]) => {
    const proc = spawnCli(
      [
        'http',
        String(appPort),
        '--relay',
        relayBase,
        '--token',
        token,
        '--name',
        name,
        '--queue',
        '--json',
        '--data-dir',
        join(dir, name),
        ...args,
      ],
      { cwd: dir, env: isolatedEnv(dir) },
    );
    clients.push(proc);
    await proc.waitForLine('stdout', /"type":"ready"/);
    return proc;
  };

  /** A Stripe event signed "when the relay received it": ten minutes ago. */
  const sendEvent = async (name: string) => {
    const body = Buffer.from(JSON.stringify({ id: `evt_${name}`, object: 'event', type: 'invoice.paid' }));
    const headers = await officialHeaders('stripe', body, Math.floor(Date.now() / 1000) - LATE_S);
    const res = await fetch(`${relayBase}/t/${name}/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    return { status: res.status, text: await res.text() };
  };

  const exchangeLine = async (proc: ReturnType<typeof spawnCli>) =>
    JSON.parse((await proc.waitForLine('stdout', /"type":"exchange"/)).input) as {
      late: { resigned: boolean; message: string; delayS: number } | null;
      signature: { status: string; provider: string } | null;
    };

  it('re-signs with --secret: the app accepts it; the line and the capture keep the original verdict', async () => {
    const proc = await startClient('resign', ['--secret', `stripe=${SECRETS.stripe}`]);
    expect(await sendEvent('resign')).toEqual({ status: 200, text: 'verified' });
    const line = await exchangeLine(proc);
    expect(line.signature).toMatchObject({ status: 'stale', provider: 'stripe' });
    expect(line.late).toMatchObject({
      resigned: true,
      message: expect.stringMatching(/^delivered \d+ s late; re-signed/),
    });
    expect(line.late?.delayS).toBeGreaterThanOrEqual(LATE_S);
    const listed = await runCli(['requests', '--json', '--data-dir', join(dir, 'resign')], {
      cwd: dir,
      env: isolatedEnv(dir),
    });
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { origin: 'queued', signature: { status: 'stale' }, late: { resigned: true } },
    ]);
  });

  it('warns when no secret is known: "delivered N s late; your app may reject the signature"', async () => {
    const proc = await startClient('nosecret', []);
    expect(await sendEvent('nosecret')).toEqual({ status: 400, text: 'signature rejected' });
    const line = await exchangeLine(proc);
    expect(line.signature).toMatchObject({ status: 'no-secret', provider: 'stripe' });
    expect(line.late?.message).toMatch(
      /^delivered \d+ s late; your app may reject the signature \(add --secret stripe=…\)$/,
    );
  });

  it('forwards as it came with --no-resign-late', async () => {
    const proc = await startClient('off', ['--secret', `stripe=${SECRETS.stripe}`, '--no-resign-late']);
    expect(await sendEvent('off')).toEqual({ status: 400, text: 'signature rejected' });
    const line = await exchangeLine(proc);
    expect(line.late).toMatchObject({ resigned: false, message: expect.stringMatching(/--no-resign-late/) });
  });
});
