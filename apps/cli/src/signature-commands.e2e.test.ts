import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { officialHeaders, officialVerify, SECRETS, wrongSecret } from '@hookline/signatures/testing';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BytesOrigin, sendBytes, startBytesOrigin } from './test-support/bytes-origin.js';
import { isolatedEnv, runCli, spawnCli, stopAllCli } from './test-support/cli-process.js';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

let dir = '';
let origin: BytesOrigin | null = null;

beforeAll(() => {
  if (!existsSync(join(APP_DIR, 'dist', 'hookline.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: APP_DIR, stdio: 'inherit' });
  }
}, 120_000);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookline-sig-e2e-'));
  // Secrets from the config file; the GitHub one from the environment instead.
  writeFileSync(join(dir, 'hookline.json'), JSON.stringify({ secrets: { stripe: SECRETS.stripe } }));
});

afterEach(async () => {
  await stopAllCli();
  await origin?.close();
  origin = null;
  await rm(dir, { recursive: true, force: true });
});

const env = () => isolatedEnv(dir, { HOOKLINE_DATA_DIR: join(dir, 'data'), HOOKLINE_SECRET_GITHUB: SECRETS.github });
const run = (args: string[]) => runCli(args, { cwd: dir, env: env() });

interface Summary {
  id: string;
  origin: string;
  signature: { status: string; provider: string | null; reason: string | null } | null;
  event: { provider: string; id: string } | null;
  duplicateOf: string | null;
}

async function summaries(count: number): Promise<Summary[]> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const result = await run(['requests', '--json']);
    expect(result.code).toBe(0);
    const list = JSON.parse(result.stdout) as Summary[];
    if (list.length >= count) return list.reverse();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`fewer than ${count} captures`);
}

describe('hookline http --secret / requests --json / replay --resign / export --fixture', () => {
  it('verifies captures, prints verdicts, re-signs a stale Stripe event and keeps secrets out of every file', async () => {
    origin = await startBytesOrigin();
    const http = spawnCli(
      ['http', String(origin.port), '--no-tui', '--name', 'sig', '--secret', `slack=${SECRETS.slack}`],
      {
        cwd: dir,
        env: env(),
      },
    );
    await http.waitForLine('stdout', /^Forwarding /);
    const match = await http.waitForLine('stdout', /^\s+(http:\/\/\S+\/t\/sig)$/);
    const { port, pathname } = new URL(match[1] as string);
    const base = `http://127.0.0.1:${port}${pathname}`;
    const nowS = Math.floor(Date.now() / 1000);
    const stripeBody = Buffer.from('{"id":"evt_cli_1","object":"event","type":"invoice.paid"}');
    const githubBody = Buffer.from('{"action":"opened","number":7}');
    const json = { 'content-type': 'application/json' };
    // Signed ten minutes ago: the capture is stale from the start.
    await sendBytes(
      `${base}/stripe`,
      'POST',
      { ...json, ...(await officialHeaders('stripe', stripeBody, nowS - 600)) },
      stripeBody,
    );
    await sendBytes(
      `${base}/github`,
      'POST',
      { ...json, ...(await officialHeaders('github', githubBody, nowS)) },
      githubBody,
    );
    const wrong = await officialHeaders('github', githubBody, nowS, wrongSecret('github'));
    await sendBytes(`${base}/github`, 'POST', { ...json, ...wrong }, githubBody);
    await sendBytes(`${base}/plain`, 'POST', json, Buffer.from('{}'));

    const [stale, valid, invalid, plain] = await summaries(4);
    expect(stale?.signature).toMatchObject({ status: 'stale', provider: 'stripe' });
    expect(stale?.signature?.reason).toMatch(/^timestamp outside tolerance by 30\d s/);
    expect(stale?.event).toEqual({ provider: 'stripe', id: 'evt_cli_1' });
    expect(valid?.signature).toMatchObject({ status: 'valid', provider: 'github', reason: null });
    expect(invalid?.signature).toMatchObject({ status: 'invalid', provider: 'github' });
    expect(invalid?.duplicateOf).toBe(valid?.id);
    expect(plain?.signature).toBeNull();

    const replay = await run(['replay', stale?.id ?? '', '--resign']);
    expect(replay.stderr).toBe('');
    expect(replay.stdout).toMatch(/^replayed 1 as 5 \(re-signed for stripe\): 200 OK/);
    const sent = origin.received.at(-1);
    expect(sent?.body.equals(stripeBody)).toBe(true);
    const headers = sent?.headers as Record<string, string>;
    expect(await officialVerify('stripe', headers, stripeBody, Math.floor(Date.now() / 1000))).toBe(true);
    const replayed = (await summaries(5))[4];
    expect(replayed).toMatchObject({ origin: 'replay', signature: { status: 'valid', provider: 'stripe' } });

    const plainResign = await run(['replay', plain?.id ?? '', '--resign']);
    expect(plainResign.code).toBe(1);
    expect(plainResign.stderr).toMatch(/no signature header hookline knows.*\(E_CANNOT_RESIGN\)/);

    const fixture = await run(['export', '--fixture', valid?.id ?? '']);
    expect(fixture.code).toBe(0);
    const parsed = JSON.parse(fixture.stdout) as {
      method: string;
      path: string;
      body: string;
      bodyEncoding: string;
      headers: string[][];
    };
    expect(parsed).toMatchObject({
      method: 'POST',
      path: '/github',
      body: githubBody.toString(),
      bodyEncoding: 'utf8',
    });
    expect(parsed.headers).toContainEqual([
      'x-hub-signature-256',
      (await officialHeaders('github', githubBody, nowS))['x-hub-signature-256'],
    ]);

    expect((await run(['export', '--har', 'out.har'])).code).toBe(0);
    await http.stop();
    const files = [
      readFileSync(join(dir, 'data', 'captures.db'), 'latin1'),
      readFileSync(join(dir, 'out.har'), 'utf8'),
    ];
    for (const text of files) {
      for (const secret of [SECRETS.stripe, SECRETS.github, SECRETS.slack]) expect(text).not.toContain(secret);
    }
    expect(http.output('stdout') + http.output('stderr')).not.toContain(SECRETS.slack);
  });
});
