import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRelay, createToken, type Relay } from '@hookline/relay';
import { officialHeaders, officialVerify, type Provider, SECRETS, wrongSecret } from '@hookline/signatures/testing';
import { type Origin, readBody, startOrigin } from '@hookline/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectTunnel, type Tunnel, type TunnelOptions } from './connect-tunnel.js';
import type { ExchangeEvent } from './events.js';
import { call } from './test-support/http-call.js';

/**
 * A laptop that slept: webhooks signed and queued at the relay "now", delivered
 * to a client whose clock (and its app's) reads ten minutes later. The app checks
 * every signature with the provider's own library at that clock, as it would.
 */
const LATER_MS = 10 * 60 * 1000;
const later = () => Date.now() + LATER_MS;

interface Seen {
  path: string;
  body: Buffer;
  headers: IncomingHttpHeaders;
  verified: boolean;
}

describe('late queued deliveries', () => {
  let dataDir: string;
  let token: string;
  let relay: Relay;
  let port: number;
  let app: Origin;
  let seen: Seen[];
  let tunnels: Tunnel[];

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hookline-late-'));
    token = (await createToken(dataDir, 'test')).token;
    relay = createRelay({ dataDir, auth: 'required', queue: { initialDelayMs: 20, maxDelayMs: 40 } });
    port = (await relay.listen(0, '127.0.0.1')).port;
    seen = [];
    tunnels = [];
    app = await startOrigin(async (req, res) => {
      const body = await readBody(req);
      const provider = (req.url ?? '').split('/')[1] as Provider;
      const headers = req.headers as Record<string, string | undefined>;
      const verified = await officialVerify(provider, headers, body, Math.floor(later() / 1000));
      seen.push({ path: req.url ?? '', body, headers: req.headers, verified });
      // 200 either way: a rejection would only make the relay try again.
      res.end(verified ? 'verified' : 'rejected');
    });
  });

  afterEach(async () => {
    for (const tunnel of tunnels) await tunnel.close();
    await relay.close();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const open = async (options: Partial<TunnelOptions> = {}): Promise<{ tunnel: Tunnel; events: ExchangeEvent[] }> => {
    const tunnel = await connectTunnel({
      relay: relay.url,
      target: app.port,
      token,
      name: 'late',
      queue: 'serial',
      ...options,
    });
    tunnels.push(tunnel);
    const events: ExchangeEvent[] = [];
    tunnel.on('exchange', (event) => events.push(event));
    return { tunnel, events };
  };

  /** Claim the name with a queue, then go away: what follows is stored at the relay. */
  const goOffline = async () => (await open()).tunnel.close();

  const until = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 1000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    if (!check()) throw new Error(`timed out waiting for ${what}`);
  };

  const queueSigned = async (
    provider: Provider,
    body: Buffer,
    secret?: string,
    signedAtS = Math.floor(Date.now() / 1000),
  ) => {
    const headers = await officialHeaders(provider, body, signedAtS, secret);
    const res = await call(`http://127.0.0.1:${port}/t/late/${provider}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    expect(res.status).toBe(202);
    return headers;
  };

  const event = (type: string) => Buffer.from(JSON.stringify({ id: `evt_${type}`, object: 'event', type }));

  it('re-signs Stripe, Standard Webhooks and Slack deliveries so the official verifiers accept them', async () => {
    await goOffline();
    const sent: Record<string, Record<string, string>> = {};
    for (const provider of ['stripe', 'standard', 'slack'] as const) {
      sent[provider] = await queueSigned(provider, event(`${provider}.created`));
    }
    const { events } = await open({ clock: later, lateDelivery: { signatures: { secrets: { ...SECRETS } } } });
    await until(() => events.length === 3, 'three deliveries');
    expect(seen.map((s) => [s.path, s.verified])).toEqual([
      ['/stripe', true],
      ['/standard', true],
      ['/slack', true],
    ]);
    // The exact bytes, and the ids the app deduplicates on, are the ones the provider sent.
    for (const s of seen) expect(s.body.equals(event(`${s.path.slice(1)}.created`))).toBe(true);
    expect(seen[1]?.headers['webhook-id']).toBe(sent.standard?.['webhook-id']);
    expect(seen[0]?.headers['stripe-signature']).not.toBe(sent.stripe?.['stripe-signature']);
    for (const e of events) {
      expect(e.late).toMatchObject({ resigned: true, toleranceS: 300 });
      expect(e.late?.delayS).toBeGreaterThanOrEqual(600);
      expect(e.late?.message).toMatch(/^delivered \d+ s late; re-signed with a fresh timestamp$/);
    }
  });

  it('holds a body longer than the stream window to re-sign it, byte for byte', async () => {
    await goOffline();
    const big = Buffer.from(JSON.stringify({ id: 'evt_big', type: 'invoice.paid', pad: 'x'.repeat(3 * 1024 * 1024) }));
    await queueSigned('stripe', big);
    const { events } = await open({ clock: later, lateDelivery: { signatures: { secrets: { ...SECRETS } } } });
    await until(() => events.length === 1, 'the delivery');
    expect(seen[0]?.verified).toBe(true);
    expect(seen[0]?.body.equals(big)).toBe(true);
    expect(events[0]?.requestBytes).toBe(big.length);
  });

  it('forwards a body over the bound as it came, and says why it was not re-signed', async () => {
    await goOffline();
    const body = Buffer.from(JSON.stringify({ id: 'evt_over', pad: 'y'.repeat(200_000) }));
    await queueSigned('stripe', body);
    const { events } = await open({
      clock: later,
      lateDelivery: { signatures: { secrets: { ...SECRETS } }, maxBodyBytes: 64 * 1024 },
    });
    await until(() => events.length === 1, 'the delivery');
    expect(seen[0]?.body.equals(body)).toBe(true);
    expect(seen[0]?.verified).toBe(false);
    expect(events[0]?.late).toMatchObject({ resigned: false, message: expect.stringMatching(/over 65536 bytes/) });
  });

  it("holds no more than the tunnel's budget at once, and gives it back for the next delivery", async () => {
    await goOffline();
    const big = Buffer.from(JSON.stringify({ id: 'evt_budget', pad: 'b'.repeat(300_000) }));
    await queueSigned('stripe', big);
    await queueSigned('stripe', event('invoice.paid'));
    const { events } = await open({
      clock: later,
      lateDelivery: { signatures: { secrets: { ...SECRETS } }, maxHeldBytes: 128 * 1024 },
    });
    await until(() => events.length === 2, 'both deliveries');
    expect(seen[0]?.body.equals(big)).toBe(true);
    expect(events[0]?.late).toMatchObject({ resigned: false, message: expect.stringMatching(/maxHeldBytes/) });
    expect(events[1]?.late?.resigned).toBe(true);
    expect(seen[1]?.verified).toBe(true);
  });

  it('warns, and forwards as it came, when no secret is known', async () => {
    await goOffline();
    const sent = await queueSigned('stripe', event('invoice.paid'));
    const { events } = await open({ clock: later });
    await until(() => events.length === 1, 'the delivery');
    expect(seen[0]?.headers['stripe-signature']).toBe(sent['stripe-signature']);
    expect(seen[0]?.verified).toBe(false);
    expect(events[0]?.late?.message).toMatch(
      /^delivered \d+ s late; your app may reject the signature \(add --secret stripe=…\)$/,
    );
  });

  it('does not re-sign when re-signing is off', async () => {
    await goOffline();
    const sent = await queueSigned('standard', event('invoice.paid'));
    const { events } = await open({
      clock: later,
      lateDelivery: { signatures: { secrets: { ...SECRETS } }, resign: false },
    });
    await until(() => events.length === 1, 'the delivery');
    expect(seen[0]?.headers['webhook-signature']).toBe(sent['webhook-signature']);
    expect(seen[0]?.verified).toBe(false);
    expect(events[0]?.late).toMatchObject({ resigned: false, message: expect.stringMatching(/--no-resign-late/) });
  });

  it('never signs a forgery: a late delivery whose signature does not match the secret goes as it came', async () => {
    await goOffline();
    const sent = await queueSigned('stripe', event('invoice.paid'), wrongSecret('stripe'));
    const { events } = await open({ clock: later, lateDelivery: { signatures: { secrets: { ...SECRETS } } } });
    await until(() => events.length === 1, 'the delivery');
    expect(seen[0]?.headers['stripe-signature']).toBe(sent['stripe-signature']);
    expect(events[0]?.late).toMatchObject({ resigned: false, message: expect.stringMatching(/not re-signed: no v1/) });
  });

  it('never freshens a webhook that reached the relay already old (a replay of a captured one)', async () => {
    await goOffline();
    const sent = await queueSigned('stripe', event('invoice.paid'), undefined, Math.floor(Date.now() / 1000) - 600);
    // The client's clock is right: the signature was stale on arrival, not made stale by the queue.
    const { events } = await open({ lateDelivery: { signatures: { secrets: { ...SECRETS } } } });
    await until(() => events.length === 1, 'the delivery');
    expect(seen[0]?.headers['stripe-signature']).toBe(sent['stripe-signature']);
    expect(events[0]?.late).toBeNull();
  });

  it('leaves live (unqueued) requests and on-time deliveries alone', async () => {
    const { events } = await open({ lateDelivery: { signatures: { secrets: { ...SECRETS } } } });
    const sent = await officialHeaders('stripe', event('invoice.paid'), Math.floor(Date.now() / 1000));
    const res = await call(`http://127.0.0.1:${port}/t/late/stripe`, {
      method: 'POST',
      headers: sent,
      body: event('invoice.paid'),
    });
    expect(res.status).toBe(200);
    expect(seen[0]?.headers['stripe-signature']).toBe(sent['stripe-signature']);
    expect(events[0]?.late).toBeNull();
  });
});
