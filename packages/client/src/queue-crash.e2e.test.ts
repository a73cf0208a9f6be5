import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToken } from '@hookline/relay';
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

const WEBHOOKS = Number(process.env.CRASH_WEBHOOKS ?? 2_000);

/** POST one webhook; resolves with the status, or null when the relay could not be reached. */
const post = async (port: number, id: number): Promise<number | null> =>
  (await postWebhook(port, '/t/shop/webhooks', JSON.stringify({ id, type: 'invoice.paid' }))).status;

describe('no webhook lost: kill -9 of relay and client (5+ times each) while 2 000 webhooks arrive (serial queue)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookline-crash-'));
  let relay: NodeChild<RelayReady> | null = null;
  let client: NodeChild<{ url: string }> | null = null;
  let local: Origin | null = null;

  afterAll(async () => {
    await client?.kill();
    await relay?.kill();
    await local?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers every id at least once, first arrivals in send order', async () => {
    const token = (await createToken(dataDir, 'crash-test')).token;
    const arrivals: number[] = [];
    local = await startOrigin(async (req, res) => {
      const body = await readBody(req).catch(() => null);
      if (body) arrivals.push((JSON.parse(body.toString()) as { id: number }).id);
      res.end('ok');
    });
    const relayConfig = (port: number) => ({
      port,
      options: { dataDir, auth: 'required' as const, tokens: [token], queue: { initialDelayMs: 50, maxDelayMs: 300 } },
    });
    relay = await spawnRelay(relayConfig(0));
    const port = relay.ready.port;
    const clientOptions = {
      relay: relay.ready.url,
      target: local.port,
      token,
      name: 'shop',
      queue: 'serial',
      reconnect: { initialDelayMs: 50, maxDelayMs: 300 },
      retryInitialConnect: true,
    };
    client = await spawnClient(clientOptions);

    // The crash monkey: every 150-400 ms, kill -9 the relay or the client (in turn) and
    // start it again, until the sending is over and each was killed at least 5 times.
    let sending = true;
    let kills = { relay: 0, client: 0 };
    const monkey = (async () => {
      while (sending || kills.relay < 5 || kills.client < 5) {
        await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 250));
        if ((kills.relay + kills.client) % 2 === 0) {
          await relay?.kill();
          kills = { ...kills, relay: kills.relay + 1 };
          relay = await spawnRelay(relayConfig(port));
        } else {
          await client?.kill();
          kills = { ...kills, client: kills.client + 1 };
          client = await spawnClient(clientOptions);
        }
      }
    })();

    // The sender: like a provider, it retries a webhook until the relay accepts it (2xx/202).
    const accepted: number[] = [];
    let retries = 0;
    for (let id = 1; id <= WEBHOOKS; id++) {
      for (;;) {
        const status = await post(port, id);
        if (status !== null && status >= 200 && status < 300) break;
        retries += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      accepted.push(id);
    }
    sending = false;
    await monkey;

    const deadline = Date.now() + 60_000;
    while (new Set(arrivals).size < WEBHOOKS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const unique = new Set(arrivals);
    const missing = accepted.filter((id) => !unique.has(id));
    const firstArrivals: number[] = [];
    const seen = new Set<number>();
    for (const id of arrivals) {
      if (seen.has(id)) continue;
      seen.add(id);
      firstArrivals.push(id);
    }
    const counts = new Map<number, number>();
    for (const id of arrivals) counts.set(id, (counts.get(id) ?? 0) + 1);
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([id, n]) => `${id}×${n}`);
    console.log(
      `crash test: ${kills.relay} relay and ${kills.client} client kills, ${retries} sender retries, ` +
        `${accepted.length} acked, ${unique.size} delivered, ${missing.length} lost, ` +
        `${arrivals.length - unique.size} duplicate deliveries: ${duplicated.join(' ') || 'none'}`,
    );
    expect(kills.relay).toBeGreaterThanOrEqual(5);
    expect(kills.client).toBeGreaterThanOrEqual(5);
    expect(missing).toEqual([]);
    expect(firstArrivals).toEqual(accepted);
  }, 180_000);
});
