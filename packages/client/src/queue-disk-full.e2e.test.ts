import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type NodeChild,
  type Origin,
  type RelayReady,
  readBody,
  spawnClient,
  spawnRelay,
  startOrigin,
} from '@hookline/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { postWebhook } from './test-support/post-webhook.js';

/** A 48 KiB webhook whose first line names it. */
const post = (port: number, id: number) =>
  postWebhook(
    port,
    '/t/shop/hook',
    Buffer.concat([Buffer.from(`${JSON.stringify({ id })}\n`), Buffer.alloc(48 * 1024, 0x61)]),
  );

const ready = async (port: number) => (await fetch(`http://127.0.0.1:${port}/_hookline/readyz`)).status;

/**
 * The data dir on a tiny filesystem of its own (a 3 MiB tmpfs; CI runs as root,
 * which `mount` needs): webhooks are stored until the disk is full, then refused
 * with 507 E_STORE_UNAVAILABLE — never a 202 for one that is not on disk — readyz
 * fails while the store cannot write, and once space is freed everything that was
 * acknowledged is delivered, also after a kill -9 of the relay.
 */
describe('a full disk under the offline queue', () => {
  const root = mkdtempSync(join(tmpdir(), 'hookline-diskfull-'));
  const mount = join(root, 'mnt');
  const children: Array<NodeChild<unknown>> = [];
  let local: Origin | null = null;
  let mounted = false;

  afterAll(async () => {
    for (const child of children) await child.kill();
    await local?.close();
    if (mounted) execFileSync('umount', [mount]);
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses with 507 E_STORE_UNAVAILABLE when full, fails readyz, and delivers every 202 once space is back', async () => {
    mkdirSync(mount);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m,mode=0700', 'tmpfs', mount]);
    } catch (error) {
      throw new Error(`this test mounts a tmpfs and must run as root (CI does): ${(error as Error).message}`);
    }
    mounted = true;
    const dataDir = join(mount, 'data');
    const token = 'disk-full-token';
    const arrivals: number[] = [];
    local = await startOrigin(async (req, res) => {
      const body = await readBody(req);
      arrivals.push((JSON.parse(body.toString().split('\n')[0] as string) as { id: number }).id);
      res.end('ok');
    });
    const config = (port: number) => ({ port, options: { dataDir, auth: 'required' as const, tokens: [token] } });
    let relay: NodeChild<RelayReady> = await spawnRelay(config(0));
    children.push(relay);
    const { port } = relay.ready;
    const clientOptions = { relay: relay.ready.url, target: local.port, token, name: 'shop', queue: 'serial' };
    const first = await spawnClient(clientOptions);
    await first.stop();
    // Ballast to free later: the only way to give the relay its space back.
    writeFileSync(join(mount, 'ballast'), Buffer.alloc(512 * 1024));

    const accepted: number[] = [];
    const refusals = new Map<string, number>();
    let id = 0;
    while ((refusals.get('507 E_STORE_UNAVAILABLE') ?? 0) < 3 && id < 400) {
      const { status, code } = await post(port, ++id);
      if (status === 202) accepted.push(id);
      else refusals.set(`${status} ${code}`, (refusals.get(`${status} ${code}`) ?? 0) + 1);
    }
    console.log(`disk full: ${accepted.length} accepted, refusals ${JSON.stringify(Object.fromEntries(refusals))}`);
    expect([...refusals.keys()]).toEqual(['507 E_STORE_UNAVAILABLE']);
    expect(accepted.length).toBeGreaterThan(5);
    expect(await ready(port)).toBe(503);

    rmSync(join(mount, 'ballast'));
    const deadline = Date.now() + 5_000;
    while ((await ready(port)) !== 200 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await ready(port)).toBe(200);

    // Crash the relay before anything is delivered: every 202 must be on disk.
    await relay.kill();
    relay = await spawnRelay(config(port));
    children.push(relay);
    children.push(await spawnClient({ ...clientOptions, relay: relay.ready.url }));
    const until = Date.now() + 30_000;
    while (arrivals.length < accepted.length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(arrivals).toEqual(accepted);
  }, 120_000);
});
