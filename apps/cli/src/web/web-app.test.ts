import { gzipSync } from 'node:zlib';
import { CaptureStore } from '@hookline/capture';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { takeEvents } from '../../web/src/sse.js';
import { localCaptureService } from '../inspector/capture-service.js';
import { type BytesOrigin, startBytesOrigin } from '../test-support/bytes-origin.js';
import { draft } from '../test-support/records.js';
import type { StatusSource, TunnelView } from '../tui/sources.js';
import type { CaptureDetail } from './capture-detail.js';
import type { CapturePage } from './capture-page.js';
import { createWebApp } from './web-app.js';

const SECRET = 'test-secret-0123456789abcdefghijklmnopqrstu';
const PORT = 4040;
const BASE = `http://127.0.0.1:${PORT}`;

let store: CaptureStore;
let origin: BytesOrigin;
let view: TunnelView;
const statusListeners = new Set<() => void>();

const status: StatusSource = {
  get: () => view,
  subscribe(listener) {
    statusListeners.add(listener);
    return () => statusListeners.delete(listener);
  },
};

function app(limits = {}) {
  const service = localCaptureService(store, { timeoutMs: 5_000 });
  const assets = new Map([
    ['/', { body: new TextEncoder().encode('<!doctype html><title>hookline</title>'), type: 'text/html' }],
  ]);
  return createWebApp({ store, service, status, secret: SECRET, port: () => PORT, assets, limits, keepAliveMs: 60_000 })
    .app;
}

function call(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  return app().request(`${BASE}${path}`, {
    ...init,
    headers: { host: `127.0.0.1:${PORT}`, authorization: `Bearer ${SECRET}`, ...init.headers },
  });
}

beforeEach(async () => {
  store = await CaptureStore.open({ file: null });
  origin = await startBytesOrigin();
  view = { url: 'http://demo.localhost:4747', name: 'demo', target: origin.url, state: 'online' };
});

afterEach(async () => {
  await store.close();
  await origin.close();
});

describe('web inspector API: the guard', () => {
  it('refuses a foreign Host (DNS rebinding) with 403 E_BAD_HOST, before the secret is even looked at', async () => {
    const res = await call('/api/v1/captures', { headers: { host: `evil.example:${PORT}` } });
    expect(res.status).toBe(403);
    expect(res.headers.get('hookline-error')).toBe('E_BAD_HOST');
    expect((await call('/', { headers: { host: '127.0.0.1:9' } })).status).toBe(403);
    const bare = await app().request(`${BASE}/api/v1/captures`, { headers: { authorization: `Bearer ${SECRET}` } });
    expect(bare.status).toBe(403);
  });

  it('refuses another Origin, a null one and cross-site fetches with 403 E_BAD_ORIGIN', async () => {
    for (const headers of [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { origin: `http://127.0.0.1:${PORT + 1}` },
      { 'sec-fetch-site': 'cross-site' },
    ]) {
      const res = await call('/api/v1/captures/1/replay', { method: 'POST', body: '{}', headers });
      expect(res.status).toBe(403);
      expect(res.headers.get('hookline-error')).toBe('E_BAD_ORIGIN');
    }
    expect(store.size).toBe(0);
    const own = await call('/api/v1/captures', {
      headers: { origin: `http://localhost:${PORT}`, host: `localhost:${PORT}` },
    });
    expect(own.status).toBe(200);
  });

  it('needs the secret on every API call (401 E_UNAUTHORIZED), not on the page', async () => {
    for (const authorization of ['', 'Bearer wrong', `Bearer ${SECRET}x`, SECRET, `Basic ${SECRET}`]) {
      const res = await call('/api/v1/status', { headers: { authorization } });
      expect(res.status).toBe(401);
      expect(res.headers.get('hookline-error')).toBe('E_UNAUTHORIZED');
    }
    const page = await call('/', { headers: { authorization: '' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await page.text()).toContain('<title>hookline</title>');
  });
});

describe('web inspector API: the list', () => {
  it('pages newest first by id, with the total and the id to continue before', async () => {
    for (let i = 0; i < 5; i += 1) store.add(draft({ path: `/p${i}` }));
    const first = (await (await call('/api/v1/captures?limit=2')).json()) as CapturePage;
    expect(first.captures.map((c) => c.id)).toEqual(['5', '4']);
    expect(first).toMatchObject({ total: 5, next: '4' });
    const second = (await (await call(`/api/v1/captures?limit=2&before=${first.next}`)).json()) as CapturePage;
    expect(second.captures.map((c) => c.id)).toEqual(['3', '2']);
    const last = (await (await call('/api/v1/captures?limit=2&before=2')).json()) as CapturePage;
    expect(last).toMatchObject({ next: null });
    expect(last.captures.map((c) => c.path)).toEqual(['/p0']);
    const newer = (await (await call('/api/v1/captures?after=3')).json()) as CapturePage;
    expect(newer.captures.map((c) => c.id)).toEqual(['5', '4']);
  });

  it('filters in the language of the TUI and keeps to the tunnel unless the filter names one', async () => {
    store.add(draft({ method: 'GET', path: '/a' }));
    store.add(draft({ method: 'POST', path: '/b', body: '{"invoice":1}' }));
    store.add({ ...draft({ path: '/other' }), tunnel: 'elsewhere' });
    const ids = async (filter: string) =>
      (
        (await (await call(`/api/v1/captures?filter=${encodeURIComponent(filter)}`)).json()) as CapturePage
      ).captures.map((c) => c.id);
    expect(await ids('')).toEqual(['2', '1']);
    expect(await ids('method:post')).toEqual(['2']);
    expect(await ids('body:invoice')).toEqual(['2']);
    expect(await ids('tunnel:*')).toEqual(['3', '2', '1']);
    expect(await ids('tunnel:elsewhere')).toEqual(['3']);
  });

  it('answers a bad filter or page with 400 and a code, never a 500', async () => {
    const bad = await call('/api/v1/captures?filter=colour:red');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('hookline-error')).toBe('E_BAD_FILTER');
    expect(((await bad.json()) as { message: string }).message).toContain('keys: method');
    for (const query of ['limit=0', 'limit=2001', 'limit=ten', 'before=-1', `filter=${'x'.repeat(1025)}`]) {
      const res = await call(`/api/v1/captures?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers.get('hookline-error')).toBe('E_BAD_REQUEST');
    }
  });
});

describe('web inspector API: any query', () => {
  it('answers 200 or a coded 400 for any filter, limit, before and after, never a 500', async () => {
    store.add(draft());
    const web = app();
    const text = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('0', '-1', '1e3', '99999999999999999999', ''));
    await fc.assert(
      fc.asyncProperty(text, text, text, text, async (filter, limit, before, after) => {
        const query = new URLSearchParams({ filter, limit, before, after });
        const res = await web.request(`${BASE}/api/v1/captures?${query}`, {
          headers: { host: `127.0.0.1:${PORT}`, authorization: `Bearer ${SECRET}` },
        });
        expect([200, 400]).toContain(res.status);
        if (res.status === 400) expect(res.headers.get('hookline-error')).toMatch(/^E_BAD_(FILTER|REQUEST)$/);
      }),
      { numRuns: 200 },
    );
  });
});

describe('web inspector API: one capture', () => {
  it('sends the head, the body as base64 and as text (gzip undone), and the links of a resent event', async () => {
    const annotated = await CaptureStore.open({
      file: null,
      annotate: (d) => ({ ...d, event: { provider: 'stripe', id: 'evt_1' } }),
    });
    await store.close();
    store = annotated;
    const json = '{"type":"invoice.paid"}';
    store.add(
      draft({ headers: ['Content-Type', 'application/json', 'Content-Encoding', 'gzip'], body: gzipSync(json) }),
    );
    store.add(draft({ body: Buffer.from([0, 1, 2, 255]) }));
    const detail = (await (await call('/api/v1/captures/1')).json()) as CaptureDetail;
    expect(detail.request.headers).toContainEqual(['Content-Encoding', 'gzip']);
    expect(detail.request.body).toMatchObject({ decodedFrom: 'gzip', text: json });
    expect(Buffer.from(detail.request.body.base64, 'base64')).toEqual(gzipSync(json));
    expect(detail.response?.body.text).toBe('ok');
    expect(detail.deliveries).toEqual(['1', '2']);
    const binary = (await (await call('/api/v1/captures/2')).json()) as CaptureDetail;
    expect(binary.request.body.text).toBeNull();
    expect(binary.capture.duplicateOf).toBe('1');
    expect(binary.editable).toContain('[binary body: 4 bytes');
  });

  it('answers 404 E_NOT_FOUND for an id it does not hold', async () => {
    for (const id of ['7', 'abc', '1%2F..']) {
      const res = await call(`/api/v1/captures/${id}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('hookline-error')).toBe('E_NOT_FOUND');
    }
  });
});

describe('web inspector API: replay and export', () => {
  function stored(init: Parameters<typeof draft>[0] = {}) {
    return store.add({ ...draft(init), target: origin.url });
  }

  it('replays as captured through the capture service, stored as a replay of it', async () => {
    stored({ body: '{"n":1}' });
    const res = await call('/api/v1/captures/1/replay', { method: 'POST', body: '{}' });
    expect(res.status).toBe(201);
    const { capture } = (await res.json()) as { capture: { id: string; origin: string; replayOf: string } };
    expect(capture).toMatchObject({ id: '2', origin: 'replay', replayOf: '1', status: 200 });
    expect(origin.received[0]?.body.toString()).toBe('{"n":1}');
  });

  it('replays an edit of method, path, a header and the body, with Content-Length of the bytes sent', async () => {
    stored({ body: '{"n":1}', headers: ['Content-Type', 'application/json', 'Content-Length', '7'] });
    const detail = (await (await call('/api/v1/captures/1')).json()) as CaptureDetail;
    const edit = detail.editable
      .replace('POST /hooks', 'PUT /hooks/edited')
      .replace('Content-Type: application/json', 'Content-Type: application/json\nX-Edited: yes')
      .replace('{"n":1}', '{"n":12345}');
    const res = await call('/api/v1/captures/1/replay', { method: 'POST', body: JSON.stringify({ edit }) });
    expect(res.status).toBe(201);
    const got = origin.received[0];
    expect(got).toMatchObject({ method: 'PUT', url: '/hooks/edited' });
    expect(got?.headers['x-edited']).toBe('yes');
    expect(got?.headers['content-length']).toBe('11');
    expect(got?.body.toString()).toBe('{"n":12345}');
  });

  it('refuses a bad edit by line, a bad body, an unknown field and an oversize request, replaying nothing', async () => {
    stored();
    const cases: Array<[string, number, string]> = [
      [JSON.stringify({ edit: 'NOT A REQUEST LINE\n\n' }), 400, 'E_BAD_EDIT'],
      ['{"edit": 1}', 400, 'E_BAD_REQUEST'],
      ['{"resign": "yes"}', 400, 'E_BAD_REQUEST'],
      ['{"target": "http://example.com"}', 400, 'E_BAD_REQUEST'],
      ['[]', 400, 'E_BAD_REQUEST'],
      ['not json', 400, 'E_BAD_REQUEST'],
      [JSON.stringify({ edit: 'x'.repeat(5 * 1024 * 1024) }), 413, 'E_BODY_TOO_LARGE'],
    ];
    for (const [body, status, code] of cases) {
      const res = await call('/api/v1/captures/1/replay', { method: 'POST', body });
      expect(res.status, body.slice(0, 40)).toBe(status);
      expect(res.headers.get('hookline-error')).toBe(code);
    }
    expect(origin.received).toEqual([]);
    expect(store.size).toBe(1);
  });

  it('answers a re-signed replay with no secret as 400 E_CANNOT_RESIGN', async () => {
    stored({ headers: ['Stripe-Signature', 't=1,v1=abc'] });
    const res = await call('/api/v1/captures/1/replay', { method: 'POST', body: '{"resign": true}' });
    expect(res.status).toBe(400);
    expect(res.headers.get('hookline-error')).toBe('E_CANNOT_RESIGN');
  });

  it('exports curl, a fixture and HAR (one capture, or the filtered list oldest first)', async () => {
    stored({ path: '/one' });
    stored({ path: '/two', method: 'PUT' });
    const curl = await (await call('/api/v1/captures/1/curl')).text();
    expect(curl).toMatch(/^curl .*\/one/s);
    const fixture = await call('/api/v1/captures/2/fixture');
    expect(fixture.headers.get('content-disposition')).toContain('hookline-2.fixture.json');
    expect(await fixture.json()).toMatchObject({ hooklineFixture: 1, method: 'PUT', path: '/two' });
    const har = (await (await call('/api/v1/har')).json()) as { log: { entries: Array<{ request: { url: string } }> } };
    expect(har.log.entries.map((e) => new URL(e.request.url).pathname)).toEqual(['/one', '/two']);
    const filtered = (await (await call('/api/v1/har?filter=method:put')).json()) as typeof har;
    expect(filtered.log.entries).toHaveLength(1);
    // Past the byte bound only the newest that fit are in, and the header counts the rest.
    const bounded = await app({ maxHarBytes: 20 }).request(`${BASE}/api/v1/har`, {
      headers: { host: `127.0.0.1:${PORT}`, authorization: `Bearer ${SECRET}` },
    });
    expect(bounded.headers.get('hookline-har-left-out')).toBe('1');
    expect(((await bounded.json()) as typeof har).log.entries.map((e) => new URL(e.request.url).pathname)).toEqual([
      '/two',
    ]);
  });
});

describe('web inspector API: the event stream', () => {
  async function readEvents(res: Response, count: number): Promise<Array<{ event: string; data: unknown }>> {
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const events: Array<{ event: string; data: unknown }> = [];
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) break;
      const taken = takeEvents(text + decoder.decode(value, { stream: true }));
      text = taken.rest;
      events.push(...taken.events);
    }
    await reader.cancel();
    return events;
  }

  it('sends the status at once, then each new capture and each change of the tunnel', async () => {
    const web = app();
    const res = await web.request(`${BASE}/api/v1/events`, {
      headers: { host: `127.0.0.1:${PORT}`, authorization: `Bearer ${SECRET}` },
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reading = readEvents(res, 3);
    await new Promise((resolve) => setImmediate(resolve));
    store.add(draft({ path: '/live' }));
    view = { ...view, state: 'reconnecting', retryAt: 1, reason: 'relay closed' };
    for (const listener of statusListeners) listener();
    const events = await reading;
    expect(events.map((e) => e.event)).toEqual(['status', 'capture', 'status']);
    expect(events[1]?.data).toMatchObject({ id: '1', path: '/live' });
    expect(events[2]?.data).toMatchObject({ state: 'reconnecting' });
  });

  it('refuses one stream past the bound with 429, and drops a client that stops reading', async () => {
    const web = app({ maxStreams: 1, maxQueuedEvents: 3 });
    const open = () =>
      web.request(`${BASE}/api/v1/events`, {
        headers: { host: `127.0.0.1:${PORT}`, authorization: `Bearer ${SECRET}` },
      });
    const first = await open();
    const second = await open();
    expect(second.status).toBe(429);
    expect(second.headers.get('hookline-error')).toBe('E_TOO_MANY_STREAMS');
    // Never read: past 3 waiting events the stream errors and its slot is free again.
    for (let i = 0; i < 6; i += 1) store.add(draft());
    await expect((first.body as ReadableStream).getReader().read()).rejects.toThrow(/stopped reading/);
    expect((await open()).status).toBe(200);
  });
});
