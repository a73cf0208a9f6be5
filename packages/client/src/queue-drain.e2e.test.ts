import { mkdtempSync, rmSync } from 'node:fs';
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

const BACKLOG = Number(process.env.DRAIN_BACKLOG ?? 1_000);
const TRAFFIC_SECONDS = Number(process.env.DRAIN_TRAFFIC_SECONDS ?? 20);
const RATE_PER_SECOND = 20;

const post = async (port: number, name: string, id: string): Promise<number | null> =>
  (await postWebhook(port, `/t/${name}/hook`, JSON.stringify({ id }))).status;

/**
 * The overlap that lost webhooks with the hand-written log: a backlog draining
 * while new webhooks keep arriving. Every acknowledged webhook must arrive exactly
 * once (no restart, so no excuse for a duplicate), serial in arrival order.
 */
describe(`drain with live traffic: ${BACKLOG} queued, then ${RATE_PER_SECOND}/s for ${TRAFFIC_SECONDS} s`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookline-drain-'));
  const children: Array<NodeChild<unknown>> = [];
  let local: Origin | null = null;

  afterAll(async () => {
    for (const child of children) await child.kill();
    await local?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers every acknowledged webhook exactly once, serial in order, also with parallel:4', async () => {
    const token = 'drain-test-token';
    const arrivals = new Map<string, string[]>([
      ['serial-q', []],
      ['par-q', []],
    ]);
    local = await startOrigin(async (req, res) => {
      const body = await readBody(req);
      const { id } = JSON.parse(body.toString()) as { id: string };
      arrivals.get(id.split('/')[0] as string)?.push(id);
      res.end('ok');
    });
    const relay: NodeChild<RelayReady> = await spawnRelay({
      options: { dataDir, auth: 'required', tokens: [token], queue: { initialDelayMs: 50, maxDelayMs: 300 } },
    });
    children.push(relay);
    const { port } = relay.ready;
    const client = (name: string, queue: string) =>
      spawnClient({ relay: relay.ready.url, target: local?.port, token, name, queue }).then((child) => {
        children.push(child);
        return child;
      });
    const modes = { 'serial-q': 'serial', 'par-q': 'parallel:4' } as const;
    // Reserve both names with their queue mode, then go offline.
    for (const [name, mode] of Object.entries(modes)) await (await client(name, mode)).stop();

    const accepted = new Map<string, string[]>([
      ['serial-q', []],
      ['par-q', []],
    ]);
    const refused: string[] = [];
    const send = async (name: string, n: number) => {
      const id = `${name}/${n}`;
      const status = await post(port, name, id);
      if (status !== null && status >= 200 && status < 300) accepted.get(name)?.push(id);
      else refused.push(`${id}: ${status}`);
    };
    // The backlog, one sender per tunnel (so arrival order is send order).
    await Promise.all(
      Object.keys(modes).map(async (name) => {
        for (let n = 0; n < BACKLOG; n++) await send(name, n);
      }),
    );
    expect(refused).toEqual([]);

    // Clients back; new webhooks keep coming at 20/s per tunnel while the backlog drains.
    const drainStarted = Date.now();
    await Promise.all(Object.entries(modes).map(([name, mode]) => client(name, mode)));
    const traffic = Object.keys(modes).map(async (name) => {
      const live: Array<Promise<void>> = [];
      for (let i = 0; i < RATE_PER_SECOND * TRAFFIC_SECONDS; i++) {
        live.push(send(name, BACKLOG + i));
        await new Promise((resolve) => setTimeout(resolve, 1000 / RATE_PER_SECOND));
      }
      await Promise.all(live);
    });
    await Promise.all(traffic);

    const total = () => [...accepted.values()].reduce((sum, ids) => sum + ids.length, 0);
    const unique = () => [...arrivals.values()].reduce((sum, ids) => sum + new Set(ids).size, 0);
    const deadline = Date.now() + 60_000;
    while (unique() < total() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    // Room for a duplicate to show up.
    await new Promise((resolve) => setTimeout(resolve, 500));

    for (const name of Object.keys(modes)) {
      const acked = accepted.get(name) ?? [];
      const seen = arrivals.get(name) ?? [];
      const seenOnce = new Set(seen);
      const lost = acked.filter((id) => !seenOnce.has(id));
      console.log(
        `drain ${name}: acked ${acked.length}, delivered ${seenOnce.size}, lost ${lost.length}, ` +
          `duplicates ${seen.length - seenOnce.size}, ${Date.now() - drainStarted} ms from reconnect`,
      );
      expect(lost).toEqual([]);
      expect(seen.length).toBe(seenOnce.size);
      expect(seenOnce.size).toBe(acked.length);
    }
    expect(refused).toEqual([]);
    // Serial: in the order they were sent (50 ms apart, so the relay took them in that order too).
    const sendOrder = [...(accepted.get('serial-q') ?? [])].sort(
      (a, b) => Number(a.split('/')[1]) - Number(b.split('/')[1]),
    );
    expect(arrivals.get('serial-q')).toEqual(sendOrder);
  }, 180_000);
});
