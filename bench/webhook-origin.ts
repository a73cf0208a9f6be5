/**
 * A webhook receiver as people write them, in its own process: hono on
 * @hono/node-server, a Stripe-style HMAC-SHA256 signature check over the raw
 * body, JSON.parse, a small JSON answer. Prints { port } when listening.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { WEBHOOK_SECRET } from './webhook-signature.js';

const app = new Hono();
app.post('/hook', async (c) => {
  const raw = await c.req.text();
  const header = c.req.header('stripe-signature') ?? '';
  const timestamp = /t=(\d+)/.exec(header)?.[1] ?? '';
  const given = Buffer.from(/v1=([0-9a-f]+)/.exec(header)?.[1] ?? '', 'hex');
  const expected = createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${raw}`).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return c.json({ error: 'bad signature' }, 400);
  }
  const event = JSON.parse(raw) as { id?: string };
  return c.json({ received: true, id: event.id ?? null });
});

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
  process.stdout.write(`${JSON.stringify({ port: info.port, pid: process.pid })}\n`);
});
server.on('error', (error) => {
  console.error(error);
  process.exit(1);
});
process.once('SIGTERM', () => process.exit(0));
