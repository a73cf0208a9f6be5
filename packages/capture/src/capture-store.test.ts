import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodyBytes } from './body.js';
import { CaptureStore } from './capture-store.js';
import { STORE_FILE } from './paths.js';
import { ExchangeRecorder } from './recorder.js';
import { makeDraft } from './test-support/make-draft.js';
import { tempDir } from './test-support/temp-dir.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let file = '';
const open: CaptureStore[] = [];

async function openStore(options: Partial<Parameters<typeof CaptureStore.open>[0]> = {}): Promise<CaptureStore> {
  const store = await CaptureStore.open({ file, flushDelayMs: 10, ...options });
  open.push(store);
  return store;
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
  it('assigns increasing ids and finds records by id', async () => {
    const store = await openStore();
    const a = store.add(makeDraft({ path: '/a' }));
    const b = store.add(makeDraft({ path: '/b' }));
    expect([a.id, b.id]).toEqual(['1', '2']);
    expect(store.get('2')?.request.path).toBe('/b');
    expect(store.list().map((r) => r.id)).toEqual(['1', '2']);
  });

  it('drops the oldest past the count bound', async () => {
    const store = await openStore({ maxCount: 3 });
    for (let i = 0; i < 5; i += 1) store.add(makeDraft({ path: `/${i}` }));
    expect(store.list().map((r) => r.request.path)).toEqual(['/2', '/3', '/4']);
    expect(store.get('1')).toBeUndefined();
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
    expect(bodyBytes(second.list()[0]!.request.body)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(second.add(makeDraft()).id).toBe('2');
  });

  it('batches writes: nothing on disk until the flush delay, then one file', async () => {
    const store = await openStore({ flushDelayMs: 60_000 });
    for (let i = 0; i < 50; i += 1) store.add(makeDraft());
    await expect(readFile(file, 'utf8')).rejects.toThrow(/ENOENT/);
    await store.flush();
    const data = JSON.parse(await readFile(file, 'utf8')) as { captures: unknown[]; nextId: number };
    expect(data.captures).toHaveLength(50);
    expect(data.nextId).toBe(51);
  });

  it('moves a corrupt file aside with a warning and starts fresh', async () => {
    await writeFile(file, '{"version":1,"captures":[{"id":');
    const warnings: string[] = [];
    const store = await openStore({ onWarning: (m) => warnings.push(m), now: () => new Date(Date.UTC(2025, 4, 1)) });
    expect(store.list()).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/moved it to .*captures\.json\.corrupt-2025-05-01T00-00-00-000Z/);
    const files = await readdir(dir.path);
    expect(files).toContain('captures.json.corrupt-2025-05-01T00-00-00-000Z');
    expect(await readFile(join(dir.path, 'captures.json.corrupt-2025-05-01T00-00-00-000Z'), 'utf8')).toBe(
      '{"version":1,"captures":[{"id":',
    );
    store.add(makeDraft());
    await store.flush();
    expect(JSON.parse(await readFile(file, 'utf8')).captures).toHaveLength(1);
  });

  it('treats valid JSON of the wrong shape as corrupt too', async () => {
    await writeFile(file, JSON.stringify({ version: 1, nextId: 1, captures: [{ id: 'x' }] }));
    const warnings: string[] = [];
    await openStore({ onWarning: (m) => warnings.push(m) });
    expect(warnings[0]).toMatch(/unexpected content/);
    expect((await readdir(dir.path)).some((name) => name.startsWith('captures.json.corrupt-'))).toBe(true);
  });

  it('read-only: reports a corrupt file but leaves it where it is, and refuses writes', async () => {
    await writeFile(file, 'not json');
    const warnings: string[] = [];
    const store = await openStore({ readOnly: true, onWarning: (m) => warnings.push(m) });
    expect(warnings[0]).toMatch(/unreadable/);
    expect(await readFile(file, 'utf8')).toBe('not json');
    expect(() => store.add(makeDraft())).toThrow(/read-only/);
  });

  it('keeps captures in memory when opened without a file', async () => {
    const store = await openStore({ file: null });
    store.add(makeDraft());
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

  it('rejects bad bounds at construction', async () => {
    await expect(CaptureStore.open({ file: null, maxCount: 0 })).rejects.toThrow(TypeError);
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
    const [record] = store.list();
    expect(record?.request.body).toMatchObject({ size: 16, truncated: true });
    expect(bodyBytes(record!.request.body).toString()).toBe('0123456789');
    expect(record?.response?.body).toMatchObject({ size: 5, truncated: false });
    expect(record).toMatchObject({ tunnel: 't', origin: 'live', timings: { waitMs: 2, totalMs: 5 } });
    expect(recorder.inFlight).toBe(0);
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
