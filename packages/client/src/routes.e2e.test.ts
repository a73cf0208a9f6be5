import { createRelay, type Relay } from '@hookline/relay';
import { officialHeaders } from '@hookline/signatures/testing';
import { freePort, type Origin, readBody, startOrigin } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTunnel, type Tunnel } from './connect-tunnel.js';
import type { ExchangeEvent } from './events.js';
import { call } from './test-support/http-call.js';

/**
 * One tunnel, four real local servers: requests reach the server their route
 * names — by path prefix, or by the provider's event type in a header or the body.
 */
describe('routes to several local servers', () => {
  let relay: Relay;
  let tunnel: Tunnel;
  let base: string;
  const servers: Record<string, Origin> = {};
  const seen: Array<{ server: string; path: string; body: Buffer; host: string | undefined }> = [];
  const events: ExchangeEvent[] = [];
  let deadPort: number;

  const server = async (name: string) => {
    servers[name] = await startOrigin(async (req, res) => {
      seen.push({ server: name, path: req.url ?? '', body: await readBody(req), host: req.headers.host });
      res.end(name);
    });
    return servers[name] as Origin;
  };

  beforeAll(async () => {
    const main = await server('main');
    const invoices = await server('invoices');
    const github = await server('github');
    const hooks = await server('hooks');
    // Takes the request and never answers.
    const silent = await startOrigin(() => {});
    servers.silent = silent;
    deadPort = await freePort();
    relay = createRelay({});
    await relay.listen(0, '127.0.0.1');
    tunnel = await connectTunnel({
      relay: relay.url,
      target: main.port,
      name: 'routes',
      routes: [
        { match: 'stripe:invoice.*', target: invoices.port },
        { match: 'github:pull_request', target: github.port },
        { match: 'shopify:orders/*', target: invoices.port },
        { match: 'svix:user.created', target: github.port },
        { match: '/hooks', target: `http://127.0.0.1:${hooks.port}/base`, hostHeader: 'rewrite' },
        { match: '/dead', target: deadPort },
        { match: '/silent', target: silent.port, timeoutMs: 300 },
      ],
    });
    tunnel.on('exchange', (event) => events.push(event));
    base = `${relay.url}/t/routes`;
  });

  afterAll(async () => {
    await tunnel.close();
    await relay.close();
    for (const origin of Object.values(servers)) await origin.close();
  });

  const post = async (path: string, headers: Record<string, string>, body: Buffer | string = '{}') =>
    (await call(`${base}${path}`, { method: 'POST', headers, body })).body.toString();

  it('routes by path prefix, the target path replacing the prefix; the rest goes to the tunnel target', async () => {
    expect(await post('/hooks/push?x=1', {})).toBe('hooks');
    expect(seen.at(-1)).toMatchObject({ path: '/base/push?x=1', host: `127.0.0.1:${servers.hooks?.port}` });
    expect(await post('/hooks', {})).toBe('hooks');
    expect(seen.at(-1)?.path).toBe('/base');
    expect(await post('/hooksmith', {})).toBe('main');
    expect(await post('/other', {})).toBe('main');
    expect(events.at(-1)?.target).toBe(`http://localhost:${servers.main?.port}/`);
  });

  it('routes Stripe and Standard Webhooks events by the body type, GitHub and Shopify by their header', async () => {
    const invoice = Buffer.from(JSON.stringify({ id: 'evt_1', type: 'invoice.paid' }));
    const charge = Buffer.from(JSON.stringify({ id: 'evt_2', type: 'charge.succeeded' }));
    const stripe = async (body: Buffer) => post('/stripe', await officialHeaders('stripe', body, 1_760_000_000), body);
    expect(await stripe(invoice)).toBe('invoices');
    expect(seen.at(-1)?.body.equals(invoice)).toBe(true);
    expect(await stripe(charge)).toBe('main');
    expect(await post('/gh', { 'X-GitHub-Event': 'pull_request' })).toBe('github');
    expect(await post('/gh', { 'X-GitHub-Event': 'push' })).toBe('main');
    expect(await post('/shop', { 'X-Shopify-Topic': 'orders/create' })).toBe('invoices');
    const user = Buffer.from(JSON.stringify({ type: 'user.created', data: {} }));
    expect(await post('/svix', await officialHeaders('standard', user, 1_760_000_000), user)).toBe('github');
    // No Stripe signature: not a Stripe event, whatever the body says.
    expect(await post('/stripe', {}, invoice)).toBe('main');
  });

  it('routes a body too long to wait for by path and default, and forwards it whole', async () => {
    const big = Buffer.from(JSON.stringify({ type: 'invoice.paid', pad: 'z'.repeat(2 * 1024 * 1024) }));
    const headers = await officialHeaders('stripe', big, 1_760_000_000);
    expect(await post('/stripe', headers, big)).toBe('main');
    expect(seen.at(-1)?.body.equals(big)).toBe(true);
    // Undeclared length (chunked): the first window arrives, then the route is chosen without the body.
    const { Readable } = await import('node:stream');
    const res = await call(`${base}/hooks/chunked`, {
      method: 'POST',
      headers: { ...headers, 'transfer-encoding': 'chunked' },
      body: Readable.from([big.subarray(0, 700_000), big.subarray(700_000)]),
    });
    expect(res.body.toString()).toBe('hooks');
    expect(seen.at(-1)?.body.equals(big)).toBe(true);
  });

  it('answers 502 E_LOCAL_REFUSED for a route to a dead port, and 504 past a route timeout', async () => {
    const res = await call(`${base}/dead/x`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(502);
    expect(res.headers['hookline-error']).toBe('E_LOCAL_REFUSED');
    expect(events.at(-1)).toMatchObject({ target: `http://localhost:${deadPort}/`, route: '/dead' });
    // The tunnel's own timeout is 30 s; this route's is 300 ms.
    const silent = await call(`${base}/silent`, { method: 'POST', body: 'x' });
    expect(silent.status).toBe(504);
    expect(silent.headers['hookline-error']).toBe('E_LOCAL_TIMEOUT');
  });
});
