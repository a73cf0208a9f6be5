import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CaptureStore } from '@hookline/capture';
import { Tunnel } from '@hookline/client';
import { createRelay, type Relay } from '@hookline/relay';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendBytes } from '../test-support/bytes-origin.js';
import { tunnelRecorder } from './tunnel-capture.js';

/**
 * The recorder between a real tunnel and a real capture store: endings are
 * recorded on the turn after the exchange event (so the caller is answered
 * first), in the order the exchanges ended, and `flush()` records what waits at
 * once (the CLI calls it before closing the store).
 */
let app: Server;
let relay: Relay;
let tunnel: Tunnel;
let store: CaptureStore;
let recording: ReturnType<typeof tunnelRecorder>;
let base = '';

beforeEach(async () => {
  app = createServer((req, res) => {
    req.resume();
    // Answer in reverse order of arrival for a while, so "ended" differs from "started".
    const delay = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('wait') ?? 0);
    req.on('end', () => setTimeout(() => res.end(`done ${req.url}`), delay));
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  relay = createRelay({ domain: 'localhost' });
  const { port } = await relay.listen(0, '127.0.0.1');
  store = await CaptureStore.open({ file: null });
  const target = `http://127.0.0.1:${(app.address() as AddressInfo).port}/`;
  recording = tunnelRecorder(store, target);
  tunnel = new Tunnel({ relay: relay.url, target, name: 'rec', observer: recording.observer });
  recording.attach(tunnel);
  await tunnel.start();
  base = `http://127.0.0.1:${port}/t/rec`;
});

afterEach(async () => {
  await tunnel.close();
  await relay.close();
  recording.flush();
  await store.close();
  await new Promise<void>((resolve) => app.close(() => resolve()));
});

describe('tunnelRecorder', () => {
  it('records each exchange after its event, in the order they ended; flush() records the waiting ones at once', async () => {
    const ended: string[] = [];
    const storedAtEvent: boolean[] = [];
    const storedAfterFlush: boolean[] = [];
    const stored = (path: string) => store.list().some((listing) => listing.request.path === path);
    tunnel.on('exchange', (event) => {
      ended.push(event.path);
      storedAtEvent.push(stored(event.path));
      recording.flush();
      storedAfterFlush.push(stored(event.path));
    });
    const paths = Array.from({ length: 12 }, (_, i) => `/hook/${i}?wait=${(12 - i) * 40}`);
    const statuses = await Promise.all(paths.map((path) => sendBytes(`${base}${path}`, 'POST', {}, Buffer.from(path))));
    expect(statuses).toEqual(paths.map(() => 200));
    expect(storedAtEvent).toEqual(paths.map(() => false));
    expect(storedAfterFlush).toEqual(paths.map(() => true));
    // Numbered as they ended (the slowest asked first ended last), with what each carried.
    const listings = store.list();
    expect(listings.map((listing) => listing.request.path)).toEqual(ended);
    expect(ended).not.toEqual(paths);
    for (const listing of listings) {
      expect(store.get(listing.id)?.request.body.bytes.toString()).toBe(listing.request.path);
      expect(store.get(listing.id)?.response?.body.bytes.toString()).toBe(`done ${listing.request.path}`);
    }
  });

  it('keeps a body the client collected whole as it is: shown to the observer once, captured without a copy', async () => {
    const shown: Buffer[] = [];
    const { requestBody, requestBodyCollected } = recording.observer;
    recording.observer.requestBody = (id, chunk) => {
      shown.push(chunk);
      requestBody?.(id, chunk);
    };
    recording.observer.requestBodyCollected = (id, body) => {
      shown.push(body);
      requestBodyCollected?.(id, body);
    };
    let kept: Buffer | undefined;
    tunnel.on('exchange', () => {
      recording.flush();
      kept = store.get(store.list().at(-1)?.id ?? '')?.request.body.bytes;
    });
    const body = Buffer.alloc(300 * 1024, 7);
    expect(await sendBytes(`${base}/upload`, 'POST', {}, body)).toBe(200);
    // It crossed the tunnel in several frames; the client collected it into one buffer.
    expect(shown).toHaveLength(1);
    expect(shown[0]?.equals(body)).toBe(true);
    expect(kept?.buffer).toBe(shown[0]?.buffer);
  });

  it('without flush(), the next turn records them: nothing waits for a later exchange', async () => {
    expect(await sendBytes(`${base}/one`, 'POST', {}, Buffer.from('x'))).toBe(200);
    for (let i = 0; i < 100 && store.size === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(store.list().map((listing) => listing.request.path)).toEqual(['/one']);
  });
});
