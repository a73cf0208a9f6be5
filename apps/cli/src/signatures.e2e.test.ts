import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyBytes, type CaptureRecord, CaptureStore, signatureAnnotator } from '@hookline/capture';
import { Tunnel } from '@hookline/client';
import { createRelay, type Relay } from '@hookline/relay';
import { type SignatureConfig, verifySignature } from '@hookline/signatures';
import {
  ALL_PROVIDERS,
  headerRecord,
  officialHeaders,
  officialVerify,
  type Provider,
  SECRETS,
  wrongSecret,
} from '@hookline/signatures/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaptureService, localCaptureService } from './inspector/capture-service.js';
import { tunnelRecorder } from './inspector/tunnel-capture.js';
import { sendBytes } from './test-support/bytes-origin.js';

/**
 * Signed webhooks end to end: a real relay, a real tunnel client recording into
 * a capture store, and a local server that verifies every request with the
 * provider's own library, as the developer's app would. The clock of both the
 * app and hookline's replays is injected, so "ten minutes later" takes no time.
 */

const config: SignatureConfig = { secrets: { ...SECRETS } };
/** Added to the wall clock by the app's verifier and by hookline's replays. */
let offsetMs = 0;
const now = () => Date.now() + offsetMs;

interface Seen {
  path: string;
  body: Buffer;
  verified: boolean;
}
const seen: Seen[] = [];

/** The developer's app: 200 when the provider's library accepts the signature, else 400. */
async function startApp(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const provider = (req.url ?? '').split('/')[2] as Provider;
      const headers = req.headers as Record<string, string | undefined>;
      const verified = await officialVerify(provider, headers, body, Math.floor(now() / 1000));
      seen.push({ path: req.url ?? '', body, verified });
      res.writeHead(verified ? 200 : 400, { 'content-type': 'text/plain' });
      res.end(verified ? 'verified' : 'signature rejected');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

let app: { server: Server; port: number };
let relay: Relay;
let tunnel: Tunnel;
let store: CaptureStore;
let service: CaptureService;
let base = '';

beforeAll(async () => {
  app = await startApp();
  relay = createRelay({ domain: 'localhost' });
  const { port } = await relay.listen(0, '127.0.0.1');
  store = await CaptureStore.open({ file: null, annotate: signatureAnnotator(config) });
  service = localCaptureService(store, { signatures: config, now });
  const target = `http://127.0.0.1:${app.port}/`;
  const recording = tunnelRecorder(store, target);
  tunnel = new Tunnel({ relay: relay.url, target, name: 'sig', observer: recording.observer });
  recording.attach(tunnel);
  await tunnel.start();
  base = `http://127.0.0.1:${port}/t/sig`;
});

afterAll(async () => {
  await tunnel?.close();
  await relay?.close();
  await store?.close();
  await new Promise<void>((resolve) => (app ? app.server.close(() => resolve()) : resolve()));
});

/** Post through the tunnel; resolves with the app's status and the capture it left. */
async function deliver(provider: Provider, body: Buffer, headers: Record<string, string>) {
  const before = store.size;
  const status = await sendBytes(
    `${base}/hooks/${provider}`,
    'POST',
    { 'content-type': 'application/json', ...headers },
    body,
  );
  for (let i = 0; i < 100 && store.size === before; i += 1) await new Promise((r) => setTimeout(r, 10));
  const newest = store.list().at(-1);
  return { status, record: store.get(newest?.id ?? '') as CaptureRecord };
}

const hasTimestamp = (provider: Provider) => provider === 'stripe' || provider === 'standard' || provider === 'slack';

describe.each(ALL_PROVIDERS)('%s webhook through the tunnel', (provider) => {
  const body = Buffer.from(
    `{"id":"evt_${provider}_1","object":"event","type":"invoice.paid","data":{"object":{"amount":4200,"note":"café ✓"}}}`,
  );

  it('passes byte-exact, verifies locally, fails as captured 10 minutes later and passes re-signed (edited too)', async () => {
    offsetMs = 0;
    const signed = await officialHeaders(provider, body, Math.floor(now() / 1000));
    const live = await deliver(provider, body, signed);
    expect(live.status).toBe(200);
    expect(seen.at(-1)?.body.equals(body)).toBe(true);
    expect(bodyBytes(live.record.request.body).equals(body)).toBe(true);
    expect(live.record.signature).toMatchObject({ status: 'valid', provider });
    const again = { headers: live.record.request.headers, body: bodyBytes(live.record.request.body) };
    expect(verifySignature(again, config, { now: now() }).status).toBe('valid');

    offsetMs = 10 * 60 * 1000;
    const asCaptured = await service.replay(live.record.id, {});
    if (hasTimestamp(provider)) {
      expect(asCaptured.response?.status).toBe(400);
      expect(asCaptured.signature).toMatchObject({
        status: 'stale',
        reason: expect.stringMatching(/^timestamp outside tolerance by 3\d\d s/),
      });
    } else {
      // GitHub and Shopify sign no timestamp: a late replay as captured still verifies.
      expect(asCaptured.response?.status).toBe(200);
      expect(asCaptured.signature?.status).toBe('valid');
    }

    const resigned = await service.replay(live.record.id, { resign: {} });
    expect(resigned.response?.status).toBe(200);
    expect(resigned.signature).toMatchObject({ status: 'valid', provider });
    expect(seen.at(-1)?.body.equals(body)).toBe(true);

    const edited = Buffer.from(body.toString().replace('4200', '1'));
    const editedReplay = await service.replay(live.record.id, { edit: { body: edited }, resign: {} });
    expect(editedReplay.response?.status).toBe(200);
    expect(seen.at(-1)?.body.equals(edited)).toBe(true);

    const editedUnsigned = await service.replay(live.record.id, { edit: { body: edited } });
    expect(editedUnsigned.response?.status).toBe(400);
    expect(editedUnsigned.signature?.status).toBe('invalid');
    offsetMs = 0;
  });

  it('reports a wrong secret as such', async () => {
    const signed = await officialHeaders(provider, body, Math.floor(now() / 1000), wrongSecret(provider));
    const { status, record } = await deliver(provider, body, signed);
    expect(status).toBe(400);
    expect(record.signature).toMatchObject({
      status: 'invalid',
      provider,
      reason: expect.stringContaining('matches this secret (wrong secret'),
    });
  });
});

describe('non-UTF-8 bodies through the tunnel', () => {
  // Invalid UTF-8 on purpose: any decode/re-encode on the way would break the signature.
  const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 101 + 7) % 256));

  it.each(['slack', 'shopify'] as const)('%s: keeps its signature live and re-signed', async (provider) => {
    offsetMs = 0;
    const signed = await officialHeaders(provider, binary, Math.floor(now() / 1000));
    const live = await deliver(provider, binary, { ...signed, 'content-type': 'application/octet-stream' });
    expect(live.status).toBe(200);
    expect(seen.at(-1)?.body.equals(binary)).toBe(true);
    expect(live.record.signature?.status).toBe('valid');
    offsetMs = 10 * 60 * 1000;
    const resigned = await service.replay(live.record.id, { resign: {} });
    expect(resigned.response?.status).toBe(200);
    expect(seen.at(-1)?.body.equals(binary)).toBe(true);
    // Slack signs a timestamp, so its headers change; Shopify's HMAC of the same bytes does not.
    const changed =
      headerRecord(resigned.request.headers)['x-slack-signature'] !==
      headerRecord(live.record.request.headers)['x-slack-signature'];
    expect(changed).toBe(provider === 'slack');
    offsetMs = 0;
  });
});

describe('duplicates', () => {
  it('marks a provider resend of the same event and links it to the first delivery', async () => {
    const body = Buffer.from('{"id":"evt_dup_1","object":"event","type":"charge.succeeded"}');
    const first = await deliver('stripe', body, await officialHeaders('stripe', body, Math.floor(now() / 1000)));
    const resend = await deliver('stripe', body, await officialHeaders('stripe', body, Math.floor(now() / 1000) + 1));
    expect(first.record.event).toEqual({ provider: 'stripe', id: 'evt_dup_1' });
    expect(first.record.duplicateOf).toBeUndefined();
    expect(resend.record.duplicateOf).toBe(first.record.id);
    // A replay is deliberate: never marked as a duplicate.
    expect((await service.replay(first.record.id, { resign: {} })).duplicateOf).toBeUndefined();
  });
});
