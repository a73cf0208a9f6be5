import { execFile } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodyBytes, wholeBody } from './body.js';
import { CaptureStore } from './capture-store.js';
import { LEGACY_STORE_FILE, STORE_FILE } from './paths.js';
import { ExchangeRecorder } from './recorder.js';
import { makeDraft } from './test-support/make-draft.js';
import { tempDir } from './test-support/temp-dir.js';
import type { CaptureDraft } from './types.js';

const run = promisify(execFile);

let dir: Awaited<ReturnType<typeof tempDir>>;
let file = '';
const open: CaptureStore[] = [];

async function openStore(options: Partial<Parameters<typeof CaptureStore.open>[0]> = {}): Promise<CaptureStore> {
  const store = await CaptureStore.open({ file, flushDelayMs: 10, ...options });
  open.push(store);
  return store;
}

/** Rows on disk, read by a connection of the test's own. */
function rowsOnDisk(): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM captures').pluck().get() as number;
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  dir = await tempDir();
  file = join(dir.path, STORE_FILE);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
  await dir.remove();
});

describe('CaptureStore', () => {
  it('assigns increasing ids and finds records by id, before and after the commit', async () => {
    const store = await openStore();
    const a = store.add(makeDraft({ path: '/a' }));
    const b = store.add(makeDraft({ path: '/b', body: Buffer.from([0, 1, 255]) }));
    expect([a.id, b.id]).toEqual(['1', '2']);
    expect(store.get('2')?.request.path).toBe('/b');
    await store.flush();
    expect(bodyBytes(store.get('2')!.request.body)).toEqual(Buffer.from([0, 1, 255]));
    expect(store.get('2')?.request.headers).toEqual(makeDraft().request.headers);
    expect(store.list().map((r) => r.id)).toEqual(['1', '2']);
  });

  it('keeps every field of a record through the database, the public path too', async () => {
    const store = await openStore();
    const draft = makeDraft({ path: '/hooks', body: 'x' });
    draft.request.publicPath = '/t/demo/hooks';
    const added = store.add(draft);
    await store.flush();
    expect(store.get(added.id)).toEqual(added);
  });

  it('keeps listings only in memory: no headers, no body bytes', async () => {
    const store = await openStore();
    store.add(makeDraft({ body: 'x'.repeat(1000) }));
    const [listing] = store.list();
    expect(listing?.request.body).toEqual({ size: 1000, truncated: false });
    expect(listing?.request).not.toHaveProperty('headers');
  });

  it('drops the oldest past the count bound, in memory and on disk', async () => {
    const store = await openStore({ maxCount: 3 });
    for (let i = 0; i < 5; i += 1) store.add(makeDraft({ path: `/${i}` }));
    expect(store.list().map((r) => r.request.path)).toEqual(['/2', '/3', '/4']);
    expect(store.get('1')).toBeUndefined();
    await store.flush();
    expect(rowsOnDisk()).toBe(3);
  });

  it('lets go of evicted listings even when nothing lists them (no inspector)', async () => {
    // In a process of its own with --expose-gc: a WeakRef to the first listing must
    // clear once 5 000 later captures have pushed it out of a store of 10.
    const script = `
      import { CaptureStore } from ${JSON.stringify(new URL('./capture-store.ts', import.meta.url).href)};
      import { makeDraft } from ${JSON.stringify(new URL('./test-support/make-draft.ts', import.meta.url).href)};
      const store = await CaptureStore.open({ file: null, maxCount: 10, flushDelayMs: 60_000 });
      let first;
      const off = store.subscribe((listing) => { first ??= new WeakRef(listing); });
      store.add(makeDraft());
      off();
      for (let i = 0; i < 5_000; i += 1) store.add(makeDraft());
      await store.flush();
      await new Promise((resolve) => setTimeout(resolve, 10));
      globalThis.gc();
      console.log(JSON.stringify({ size: store.size, firstKept: first.deref() !== undefined }));
      await store.close();
    `;
    const { stdout } = await run(process.execPath, [
      '--expose-gc',
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ]);
    expect(JSON.parse(stdout)).toEqual({ size: 10, firstKept: false });
  });

  it('keeps captures without their bodies while the writer is 32 MiB behind, and says so', async () => {
    const warnings: string[] = [];
    const store = await openStore({ onWarning: (m) => warnings.push(m) });
    const big = Buffer.alloc(1024 * 1024, 7);
    // 48 uploads of 1 MiB in one turn of the event loop: the writer cannot have taken any.
    const added = Array.from({ length: 48 }, () => store.add(makeDraft({ body: big })));
    const kept = added.filter((record) => record.request.body.bytes.length === big.length);
    expect(kept.length).toBeGreaterThan(20);
    expect(kept.length).toBeLessThan(40);
    const shed = added.slice(kept.length);
    for (const record of shed)
      expect(record.request.body).toEqual({ bytes: Buffer.alloc(0), size: big.length, truncated: true });
    // One warning, not one per capture.
    expect(warnings).toEqual([expect.stringMatching(/captures arrive faster than the disk takes them: their bodies/)]);
    await store.flush();
    expect(bodyBytes(store.get(kept[0]!.id)!.request.body).equals(big)).toBe(true);
    expect(store.get(shed[0]!.id)?.request.body).toMatchObject({ size: big.length, truncated: true });
  });

  it('drops the oldest past the byte bound', async () => {
    const store = await openStore({ maxBytes: 2500 });
    for (let i = 0; i < 4; i += 1) store.add(makeDraft({ path: `/${i}`, body: Buffer.alloc(1000, i) }));
    expect(store.list().map((r) => r.request.path)).toEqual(['/2', '/3']);
    expect(store.bytes).toBeLessThanOrEqual(2500);
  });

  it('keeps history across a restart, ids continuing where they stopped', async () => {
    const first = await openStore();
    first.add(makeDraft({ path: '/before', body: Buffer.from([0, 1, 2, 255]) }));
    await first.close();
    const second = await openStore();
    expect(second.list()).toHaveLength(1);
    expect(bodyBytes(second.get('1')!.request.body)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(second.add(makeDraft()).id).toBe('2');
  });

  it('applies lowered bounds at open', async () => {
    const first = await openStore();
    for (let i = 0; i < 5; i += 1) first.add(makeDraft());
    await first.close();
    const second = await openStore({ maxCount: 2 });
    expect(second.list().map((r) => r.id)).toEqual(['4', '5']);
    await second.flush();
    expect(rowsOnDisk()).toBe(2);
    const each = second.bytes / 2; // the drafts are alike
    await second.close();
    const third = await openStore({ maxBytes: each * 1.5 });
    expect(third.list().map((r) => r.id)).toEqual(['5']);
    expect(third.bytes).toBe(each);
    await third.flush();
    expect(rowsOnDisk()).toBe(1);
    await third.close();
    // The newest stays, whatever the bound.
    const fourth = await openStore({ maxBytes: 1 });
    expect(fourth.list().map((r) => r.id)).toEqual(['5']);
    await fourth.close();
  });

  it('batches writes: nothing committed until the flush delay, then one transaction', async () => {
    const store = await openStore({ flushDelayMs: 60_000 });
    for (let i = 0; i < 50; i += 1) store.add(makeDraft());
    expect(rowsOnDisk()).toBe(0);
    await store.flush();
    expect(rowsOnDisk()).toBe(50);
  });

  it('writes the database 0600', async () => {
    const store = await openStore();
    store.add(makeDraft());
    await store.flush();
    for (const name of await readdir(dir.path)) {
      expect(((await stat(join(dir.path, name))).mode & 0o777).toString(8)).toBe('600');
    }
  });

  it('makes a new database with 16 KiB pages and leaves an existing one at its own size', async () => {
    const pageSize = (path: string) => {
      const db = new Database(path, { readonly: true });
      try {
        return db.pragma('page_size', { simple: true });
      } finally {
        db.close();
      }
    };
    const store = await openStore();
    store.add(makeDraft());
    await store.close();
    expect(pageSize(file)).toBe(16 * 1024);

    // A history written before: SQLite keeps its page size (changing it would take a VACUUM).
    const older = join(dir.path, 'older.db');
    const db = new Database(older);
    db.pragma('page_size = 4096');
    db.exec('CREATE TABLE t (x)');
    db.close();
    const reopened = await openStore({ file: older });
    reopened.add(makeDraft({ path: '/after' }));
    await reopened.flush();
    expect(reopened.get('1')?.request.path).toBe('/after');
    await reopened.close();
    expect(pageSize(older)).toBe(4096);
  });
  it('imports an old captures.json once, keeping ids, and leaves it as .migrated', async () => {
    const legacy = join(dir.path, LEGACY_STORE_FILE);
    const draft = makeDraft({ path: '/old', body: Buffer.from([9, 8, 7]) });
    // The lowdb file kept bodies as base64 `data`.
    const base64 = (body: { bytes: Buffer; size: number; truncated: boolean }) => ({
      data: body.bytes.toString('base64'),
      size: body.size,
      truncated: body.truncated,
    });
    const old = {
      id: '7',
      ...draft,
      request: { ...draft.request, body: base64(draft.request.body) },
      response: draft.response && { ...draft.response, body: base64(draft.response.body) },
    };
    await writeFile(legacy, JSON.stringify({ version: 1, nextId: 8, captures: [old] }));
    const warnings: string[] = [];
    const store = await openStore({ onWarning: (m) => warnings.push(m) });
    expect(store.list().map((r) => [r.id, r.request.path])).toEqual([['7', '/old']]);
    expect(bodyBytes(store.get('7')!.request.body)).toEqual(Buffer.from([9, 8, 7]));
    expect(store.add(makeDraft()).id).toBe('8');
    expect(warnings[0]).toMatch(/imported 1 captures/);
    const files = await readdir(dir.path);
    expect(files).toContain('captures.json.migrated');
    expect(files).not.toContain('captures.json');
  });

  it('moves an unreadable captures.json aside and starts fresh', async () => {
    await writeFile(join(dir.path, LEGACY_STORE_FILE), '{"version":1,"captures":[{"id":');
    const warnings: string[] = [];
    const store = await openStore({ onWarning: (m) => warnings.push(m), now: () => new Date(Date.UTC(2025, 4, 1)) });
    expect(store.list()).toEqual([]);
    expect(warnings[0]).toMatch(/moved it to .*captures\.json\.corrupt-2025-05-01T00-00-00-000Z/);
  });

  it('moves a damaged database aside with a warning and starts fresh', async () => {
    await writeFile(file, 'this is not a database, but it is long enough to have a header'.repeat(100));
    const warnings: string[] = [];
    const store = await openStore({ onWarning: (m) => warnings.push(m), now: () => new Date(Date.UTC(2025, 4, 1)) });
    expect(store.list()).toEqual([]);
    expect(warnings[0]).toMatch(/moved it to .*captures\.db\.corrupt-2025-05-01T00-00-00-000Z/);
    store.add(makeDraft());
    await store.flush();
    expect(rowsOnDisk()).toBe(1);
  });

  it('read-only: reports a damaged file but leaves it where it is, and refuses writes', async () => {
    await writeFile(file, 'not a database'.repeat(100));
    const warnings: string[] = [];
    const store = await openStore({ readOnly: true, onWarning: (m) => warnings.push(m) });
    expect(warnings[0]).toMatch(/unreadable/);
    expect(await readFile(file, 'utf8')).toBe('not a database'.repeat(100));
    expect(() => store.add(makeDraft())).toThrow(/read-only/);
  });

  it('read-only: sees what the owner committed', async () => {
    const owner = await openStore();
    owner.add(makeDraft({ path: '/seen' }));
    await owner.flush();
    const reader = await openStore({ readOnly: true });
    expect((await reader.query({ limit: 5 })).map((r) => r.request.path)).toEqual(['/seen']);
  });

  it('keeps captures in memory when opened without a file', async () => {
    const store = await openStore({ file: null });
    store.add(makeDraft({ path: '/m' }));
    await store.flush();
    expect(store.get('1')?.request.path).toBe('/m');
    expect((await store.query({ filter: 'path:/m' })).length).toBe(1);
    await store.close();
    expect(await readdir(dir.path)).toEqual([]);
  });

  it('notifies subscribers of each added record', async () => {
    const store = await openStore();
    const seen: string[] = [];
    const off = store.subscribe((record) => seen.push(record.id));
    store.add(makeDraft());
    off();
    store.add(makeDraft());
    expect(seen).toEqual(['1']);
  });

  it('marks a resend of the same provider event as a duplicate of the first', async () => {
    const store = await openStore({ annotate: (draft) => ({ ...draft, event: { provider: 'stripe', id: 'evt_1' } }) });
    store.add(makeDraft());
    expect(store.add(makeDraft()).duplicateOf).toBe('1');
    expect(store.list()[1]?.duplicateOf).toBe('1');
  });

  it('lists every delivery of an event, for the links of any of them; none for a replay', async () => {
    const store = await openStore({ annotate: (draft) => ({ ...draft, event: { provider: 'stripe', id: 'evt_2' } }) });
    store.add(makeDraft());
    store.add(makeDraft());
    const replay = store.add({ ...makeDraft(), origin: 'replay', replayOf: '1' });
    expect(store.deliveriesOf('2')).toEqual(['1', '2']);
    expect(store.deliveriesOf('1')).toEqual(['1', '2']);
    expect(store.deliveriesOf(replay.id)).toEqual([]);
    expect(store.deliveriesOf('99')).toEqual([]);
  });

  it('still knows the first delivery of an event after a restart', async () => {
    const annotate = (draft: CaptureDraft) => ({ ...draft, event: { provider: 'stripe' as const, id: 'evt_9' } });
    const first = await openStore({ annotate });
    first.add(makeDraft());
    await first.close();
    const second = await openStore({ annotate });
    expect(second.add(makeDraft()).duplicateOf).toBe('1');
  });

  it('rejects bad bounds at construction', async () => {
    await expect(CaptureStore.open({ file: null, maxCount: 0 })).rejects.toThrow(TypeError);
  });
});

describe('CaptureStore.query: filters in the database', () => {
  async function seeded() {
    const store = await openStore();
    store.add({
      ...makeDraft({
        method: 'POST',
        path: '/stripe',
        headers: ['Stripe-Signature', 't=1'],
        body: '{"type":"invoice.paid"}',
      }),
      signature: { status: 'invalid', provider: 'stripe', reason: 'x', timestamp: 1 },
    });
    store.add({ ...makeDraft({ method: 'GET', path: '/health', headers: [], status: 503 }), tunnel: 'other' });
    store.add(makeDraft({ method: 'POST', path: '/github', headers: ['X-GitHub-Event', 'push'], status: null }));
    const gz = makeDraft({ path: '/gz', headers: ['Content-Encoding', 'gzip'] });
    gz.request.body = wholeBody(gzipSync('{"hidden":"treasure"}'));
    store.add(gz);
    return store;
  }

  async function ids(store: CaptureStore, filter: string, tunnel: string | null = null): Promise<string[]> {
    return (await store.query({ filter, tunnel })).map((r) => r.id).reverse();
  }

  it.each([
    ['', ['1', '2', '3', '4']],
    ['method:get', ['2']],
    ['status:503', ['2']],
    ['status:5xx', ['2']],
    ['status:2xx', ['1', '4']],
    ['status:error', ['3']],
    ['path:/git', ['3']],
    ['header:stripe-signature', ['1']],
    ['header:"x-github-event: push"', ['3']],
    ['body:invoice', ['1']],
    ['body:treasure', ['4']],
    ['origin:live', ['1', '2', '3', '4']],
    ['origin:replay', []],
    ['sig:invalid', ['1']],
    ['sig:unsigned', ['2', '3', '4']],
    ['tunnel:other', ['2']],
    ['post', ['1', '3', '4']],
    ['503', ['2']],
    ['INVOICE', ['1']],
    ['push', ['3']],
    ['post stripe', ['1']],
    ['post health', []],
    ['body:"invoice.paid"', ['1']],
  ])('%s', async (filter, expected) => {
    expect(await ids(await seeded(), filter)).toEqual(expected);
  });

  it('searches past a history of compression bombs without inflating them', async () => {
    const store = await openStore();
    // 16 MiB of zeros: 16 KiB gzipped, 1 000 times its size inflated, as its trailer says.
    const bomb = gzipSync(Buffer.concat([Buffer.from('bomb '), Buffer.alloc(16 * 1024 * 1024)]));
    const deflateBomb = deflateSync(Buffer.alloc(16 * 1024 * 1024));
    for (let i = 0; i < 20; i += 1) {
      const draft = makeDraft({ path: `/bomb/${i}`, headers: ['Content-Encoding', i % 2 ? 'gzip' : 'deflate'] });
      draft.request.body = wholeBody(i % 2 ? bomb : deflateBomb);
      store.add(draft);
    }
    const real = makeDraft({ path: '/real', headers: ['Content-Encoding', 'gzip'] });
    real.request.body = wholeBody(gzipSync('{"hidden":"treasure"}'));
    store.add(real);
    expect((await store.query({ filter: 'body:treasure' })).map((r) => r.request.path)).toEqual(['/real']);
    expect(await store.query({ filter: 'body:bomb' })).toEqual([]);
  });

  it('scopes to one tunnel unless the filter names one (tunnel:* for all)', async () => {
    const store = await seeded();
    expect(await ids(store, '', 'demo')).toEqual(['1', '3', '4']);
    expect(await ids(store, 'tunnel:other', 'demo')).toEqual(['2']);
    expect(await ids(store, 'tunnel:*', 'demo')).toEqual(['1', '2', '3', '4']);
    expect([...(await store.matchingIds({ filter: 'post', tunnel: 'demo' }))]).toEqual(['4', '3', '1']);
  });

  it('limits and leaves bodies out when asked', async () => {
    const store = await seeded();
    const [newest] = await store.query({ limit: 1, withoutBodies: true, filter: 'path:/stripe' });
    expect(newest?.request.body).toEqual({ bytes: Buffer.alloc(0), size: 23, truncated: false });
    expect(newest?.request.headers).toEqual(['Stripe-Signature', 't=1']);
  });

  it('refuses an unknown key or a bad value with E_BAD_FILTER', async () => {
    const store = await seeded();
    await expect(store.query({ filter: 'foo:bar' })).rejects.toMatchObject({
      code: 'E_BAD_FILTER',
      message: 'unknown filter key "foo"; keys: method, path, status, header, body, sig, tunnel, origin',
    });
    await expect(store.query({ filter: 'status:abc' })).rejects.toMatchObject({ code: 'E_BAD_FILTER' });
    await expect(store.query({ filter: 'sig:maybe' })).rejects.toMatchObject({ code: 'E_BAD_FILTER' });
    await expect(store.query({ filter: 'path:' })).rejects.toMatchObject({ code: 'E_BAD_FILTER' });
  });
});

describe('ExchangeRecorder + CaptureStore', () => {
  it('truncates a body over the cap in the capture only, with a flag and the wire size', async () => {
    const store = await openStore();
    const recorder = new ExchangeRecorder({ sink: store, target: 'http://x/', tunnel: () => 't', maxBodyBytes: 10 });
    recorder.request(
      'a',
      { method: 'POST', target: '/big', headers: [], remoteAddress: '', protocol: 'http', host: 'h' },
      1,
    );
    recorder.requestBody('a', Buffer.from('0123456'));
    recorder.requestBody('a', Buffer.from('789abcdef'));
    recorder.response('a', { status: 201, headers: ['A', 'b'], waitMs: 2 });
    recorder.responseBody('a', Buffer.from('small'));
    recorder.done('a', { totalMs: 5, error: null });
    await store.flush();
    const record = store.get('1');
    expect(record?.request.body).toMatchObject({ size: 16, truncated: true });
    expect(bodyBytes(record!.request.body).toString()).toBe('0123456789');
    expect(record?.response?.body).toMatchObject({ size: 5, truncated: false });
    expect(record).toMatchObject({ tunnel: 't', origin: 'live', timings: { waitMs: 2, totalMs: 5 } });
    expect(recorder.inFlight).toBe(0);
  });

  it('stores a big declared-length body byte-exact (collected into one buffer of its length)', async () => {
    const store = await openStore();
    const recorder = new ExchangeRecorder({ sink: store, target: 'http://x/', tunnel: () => 't' });
    const body = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 13) % 256));
    const headers = ['Content-Length', String(body.length)];
    recorder.request(
      'a',
      { method: 'POST', target: '/up', headers, remoteAddress: '', protocol: 'http', host: 'h' },
      1,
    );
    for (let at = 0; at < body.length; at += 65_536) recorder.requestBody('a', body.subarray(at, at + 65_536));
    recorder.response('a', { status: 200, headers: ['Content-Length', String(body.length)], waitMs: 1 });
    recorder.responseBody('a', body);
    recorder.done('a', { totalMs: 2, error: null });
    expect(bodyBytes(store.get('1')!.request.body).equals(body)).toBe(true); // before the commit
    await store.close();
    const reopened = await openStore();
    expect(bodyBytes(reopened.get('1')!.request.body).equals(body)).toBe(true);
    expect(bodyBytes(reopened.get('1')!.response!.body).equals(body)).toBe(true);
  });

  it('marks a relay queue delivery as queued', async () => {
    const store = await openStore();
    const recorder = new ExchangeRecorder({ sink: store, target: 'http://x/', tunnel: () => 't' });
    const head = {
      method: 'POST',
      target: '/',
      headers: [],
      delivery: { id: 'd1', attempt: 1 },
      remoteAddress: '',
      protocol: 'http' as const,
      host: '',
    };
    recorder.request('q', head, 1);
    recorder.done('q', { totalMs: 1, error: { code: 'E_LOCAL_REFUSED', message: 'refused' } });
    expect(store.list()[0]).toMatchObject({ origin: 'queued', response: null, error: { code: 'E_LOCAL_REFUSED' } });
  });
});
