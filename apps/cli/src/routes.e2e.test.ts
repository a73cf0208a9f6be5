import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureCliBuilt, isolatedEnv, runCli, startHttpCli, stopAllCli } from './test-support/cli-process.js';
import { type Origin, send, startOrigin } from './test-support/origin.js';

describe('hookline http --route (real processes and local servers)', () => {
  let dir: string;
  let main: Origin;
  let other: Origin;

  beforeEach(async () => {
    ensureCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'hookline-cli-routes-'));
    main = await startOrigin();
    other = await startOrigin();
  });

  afterEach(async () => {
    await stopAllCli();
    await main.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('routes by path (the target path replacing the prefix) and by the Stripe body type', async () => {
    const { proc, base } = await startHttpCli(main.port, 'routes', {
      cwd: dir,
      env: isolatedEnv(dir),
      args: ['--route', `/github=http://127.0.0.1:${other.port}/hooks`, '--route', `stripe:invoice.*=${other.port}`],
    });
    expect((await send(`${base}/github/push`, { method: 'POST', body: '{}' })).body).toBe(
      'origin saw POST /hooks/push (2 bytes)',
    );
    const invoice = JSON.stringify({ type: 'invoice.paid' });
    const stripe = { 'stripe-signature': 't=1,v1=00', 'content-type': 'application/json' };
    expect((await send(`${base}/stripe`, { method: 'POST', headers: stripe, body: invoice })).body).toMatch(
      /^origin saw POST \/stripe /,
    );
    expect(other.requests).toHaveLength(2);
    const charge = JSON.stringify({ type: 'charge.succeeded' });
    await send(`${base}/stripe`, { method: 'POST', headers: stripe, body: charge });
    expect(main.requests.map((r) => r.body.toString())).toEqual([charge]);
    await proc.waitForLine('stdout', /POST +\/stripe/);
  });

  it('reads routes from hookline.json, and refuses a bad route naming it', async () => {
    writeFileSync(
      join(dir, 'hookline.json'),
      JSON.stringify({ routes: [{ match: 'github:pull_request', target: String(other.port), timeout: 5 }] }),
    );
    const { base } = await startHttpCli(main.port, 'fileroutes', { cwd: dir, env: isolatedEnv(dir) });
    await send(`${base}/gh`, { method: 'POST', headers: { 'x-github-event': 'pull_request' }, body: '{}' });
    await send(`${base}/gh`, { method: 'POST', headers: { 'x-github-event': 'push' }, body: '{}' });
    expect(other.requests.map((r) => r.headers['x-github-event'])).toEqual(['pull_request']);
    expect(main.requests.map((r) => r.headers['x-github-event'])).toEqual(['push']);

    const env = isolatedEnv(dir);
    const bad = await runCli(['http', String(main.port), '--no-tui', '--route', 'paypal:PAYMENT.*=4000'], {
      cwd: dir,
      env,
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--route: route "paypal:PAYMENT\.\*": event routes know github, shopify, stripe/);
    const bare = await runCli(['http', String(main.port), '--no-tui', '--route', '/a=abc'], { cwd: dir, env });
    expect(bare.stderr).toMatch(/--route: route "\/a": not a port or URL: "abc"/);
    const noEq = await runCli(['http', String(main.port), '--no-tui', '--route', '/stripe'], { cwd: dir, env });
    expect(noEq.stderr).toMatch(/route "\/stripe": write <match>=<target>/);
    writeFileSync(join(dir, 'hookline.json'), JSON.stringify({ routes: ['/a=ftp://127.0.0.1:21'] }));
    const badFile = await runCli(['http', String(main.port), '--no-tui'], { cwd: dir, env });
    expect(badFile.code).toBe(1);
    expect(badFile.stderr).toMatch(/hookline\.json "routes"\[0\]: route "\/a": target must be http or https/);
  });
});
