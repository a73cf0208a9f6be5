import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bodyBytes } from '../body.js';
import { CaptureStore } from '../capture-store.js';
import { STORE_FILE } from '../paths.js';
import { makeDraft } from '../test-support/make-draft.js';
import { tempDir } from '../test-support/temp-dir.js';
import { BODY_FILE_BYTES, bodyFilesDir } from './body-files.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let file = '';
let bodies = '';
const open: CaptureStore[] = [];

async function openStore(options: Partial<Parameters<typeof CaptureStore.open>[0]> = {}): Promise<CaptureStore> {
  const store = await CaptureStore.open({ file, flushDelayMs: 10, ...options });
  open.push(store);
  return store;
}

/** A body of `size` bytes that is different at every offset (a shifted copy would not compare equal). */
function pattern(size: number, seed = 1): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) bytes[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return bytes;
}

function blobLengths(id: number): { request: number; response: number | null; files: number } {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(
        'SELECT length(request_body) AS request, length(response_body) AS response, body_files AS files FROM capture_details WHERE id = ?',
      )
      .get(id) as { request: number; response: number | null; files: number };
  } finally {
    db.close();
  }
}

beforeEach(async () => {
  dir = await tempDir();
  file = join(dir.path, STORE_FILE);
  bodies = bodyFilesDir(file);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close()));
  await dir.remove();
});

describe('big bodies are files beside the database', () => {
  it('keeps a big request and response byte-exact in files, the BLOB columns empty, across a restart', async () => {
    const request = pattern(BODY_FILE_BYTES + 17, 1);
    const response = pattern(3 * BODY_FILE_BYTES, 2);
    const store = await openStore();
    const small = store.add(makeDraft({ body: 'small' }));
    const big = store.add(makeDraft({ body: request, responseBody: response }));
    expect(bodyBytes(store.get(big.id)!.request.body)).toEqual(request); // before the commit: from memory
    await store.flush();
    expect(blobLengths(Number(big.id))).toEqual({ request: 0, response: 0, files: 3 });
    expect(blobLengths(Number(small.id))).toEqual({ request: 5, response: 2, files: 0 });
    expect(await readFile(join(bodies, `${big.id}.req`))).toEqual(request);
    expect((await stat(join(bodies, `${big.id}.res`))).mode & 0o777).toBe(0o600);
    expect((await stat(bodies)).mode & 0o777).toBe(0o700);
    await store.close();

    const again = await openStore();
    const record = again.get(big.id)!;
    expect(bodyBytes(record.request.body)).toEqual(request);
    expect(bodyBytes(record.response!.body)).toEqual(response);
    expect(record.request.body.truncated).toBe(false);
    const [queried] = await again.query({ filter: 'method:post', limit: 1 });
    expect(bodyBytes(queried!.response!.body)).toEqual(response);
  });

  it('removes the files of evicted captures with their rows', async () => {
    const store = await openStore({ maxCount: 2 });
    for (let i = 0; i < 5; i += 1) store.add(makeDraft({ body: pattern(BODY_FILE_BYTES, i) }));
    await store.flush();
    expect(store.list().map((r) => r.id)).toEqual(['4', '5']);
    expect((await readdir(bodies)).sort()).toEqual(['4.req', '5.req']);
  });

  it('finds text in a file body with body:, gzip-encoded too', async () => {
    const store = await openStore();
    const plain = Buffer.concat([pattern(BODY_FILE_BYTES), Buffer.from('needle-in-a-file')]);
    store.add(makeDraft({ path: '/plain', body: Buffer.concat([Buffer.from('needle-plain '), plain]) }));
    const text = Buffer.from(`{"say":"needle-zipped","pad":"${'x'.repeat(BODY_FILE_BYTES)}"}`);
    // Random-looking bytes so the gzip stays over the file threshold.
    const zipped = gzipSync(Buffer.concat([text, pattern(BODY_FILE_BYTES * 2, 9)]), { level: 0 });
    expect(zipped.length).toBeGreaterThanOrEqual(BODY_FILE_BYTES);
    store.add(makeDraft({ path: '/gzip', headers: ['Content-Encoding', 'gzip'], body: zipped }));
    store.add(makeDraft({ path: '/other', body: pattern(BODY_FILE_BYTES, 3) }));
    await store.flush();
    expect(blobLengths(2).files).toBe(1);
    const paths = async (filter: string) => (await store.query({ filter })).map((r) => r.request.path);
    expect(await paths('body:needle-plain')).toEqual(['/plain']);
    expect(await paths('body:needle-zipped')).toEqual(['/gzip']);
    expect(await paths('needle')).toEqual(['/gzip', '/plain']);
  });

  it('sweeps at open the files a crash left: rows never committed, rows evicted, and strays', async () => {
    const store = await openStore({ maxCount: 3 });
    for (let i = 0; i < 4; i += 1) store.add(makeDraft({ body: pattern(BODY_FILE_BYTES, i) }));
    await store.close();
    // What a kill -9 can leave: an evicted row's file, a file whose row never committed, junk.
    await writeFile(join(bodies, '1.req'), 'evicted before the crash');
    await writeFile(join(bodies, '9.res'), 'never committed');
    await writeFile(join(bodies, 'stray.tmp'), 'not ours');
    await mkdir(join(bodies, '10.req'));
    const again = await openStore({ maxCount: 3 });
    expect((await readdir(bodies)).sort()).toEqual(['2.req', '3.req', '4.req']);
    // The ids of the lost rows are used again, with no stale file behind them.
    const next = again.add(makeDraft({ body: 'small again' }));
    expect(next.id).toBe('5');
    await again.flush();
    expect(bodyBytes(again.get('4')!.request.body)).toEqual(pattern(BODY_FILE_BYTES, 3));
  });

  it('reads a body whose file is gone as not kept (truncated), never as empty and whole', async () => {
    const store = await openStore();
    const big = store.add(makeDraft({ body: pattern(BODY_FILE_BYTES) }));
    await store.flush();
    await rm(join(bodies, `${big.id}.req`));
    const record = store.get(big.id)!;
    expect(record.request.body.truncated).toBe(true);
    expect(record.request.body.size).toBe(BODY_FILE_BYTES);
    expect(bodyBytes(record.request.body).length).toBe(0);
  });

  it('keeps forwarding-side captures when the files cannot be written, and saves them once it can', async () => {
    await writeFile(bodies, 'a file where the folder should be');
    const warnings: string[] = [];
    const store = await openStore({ onWarning: (m) => warnings.push(m) });
    const body = pattern(BODY_FILE_BYTES, 5);
    const big = store.add(makeDraft({ body }));
    await store.flush();
    expect(warnings.join('\n')).toMatch(/could not be saved/);
    expect(bodyBytes(store.get(big.id)!.request.body)).toEqual(body); // still served from memory
    await rm(bodies);
    await expect.poll(() => warnings.join('\n'), { timeout: 10_000 }).toMatch(/saved again/);
    await store.close();
    const again = await openStore();
    expect(bodyBytes(again.get(big.id)!.request.body)).toEqual(body);
  });

  it('moves the body files aside with a damaged database', async () => {
    const store = await openStore();
    store.add(makeDraft({ body: pattern(BODY_FILE_BYTES) }));
    await store.close();
    await writeFile(file, 'this is not a database, but it is long enough to have a header'.repeat(100));
    await rm(`${file}-wal`, { force: true });
    await rm(`${file}-shm`, { force: true });
    const again = await openStore({ now: () => new Date(Date.UTC(2025, 4, 1)) });
    expect(again.list()).toEqual([]);
    const aside = `${file}.corrupt-2025-05-01T00-00-00-000Z.bodies`;
    expect(await readdir(aside)).toEqual(['1.req']);
    expect(existsSync(bodies)).toBe(false);
  });

  it('lets a reader open a history written before body files, without migrating it', async () => {
    const db = new Database(file);
    db.exec(`CREATE TABLE captures (id INTEGER PRIMARY KEY, started_at REAL NOT NULL, tunnel TEXT NOT NULL,
      origin TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, status INTEGER, error_code TEXT,
      sig_status TEXT, event_key TEXT, duplicate_of INTEGER, stored_bytes INTEGER NOT NULL);
      CREATE TABLE capture_details (id INTEGER PRIMARY KEY, listing TEXT NOT NULL, details TEXT NOT NULL,
      request_encoding TEXT, response_encoding TEXT, request_body BLOB NOT NULL, response_body BLOB);
      PRAGMA user_version = 1;`);
    db.close();
    const writer = await openStore();
    writer.add(makeDraft({ path: '/old', body: 'old body' }));
    await writer.close();
    // Back to schema 1 as an older hookline left it (the writer above migrated it).
    const old = new Database(file);
    old.exec('ALTER TABLE capture_details DROP COLUMN body_files; PRAGMA user_version = 1;');
    old.close();
    const reader = await openStore({ readOnly: true });
    const [record] = await reader.query({ filter: 'body:old', limit: 1 });
    expect(bodyBytes(record!.request.body).toString()).toBe('old body');
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(1);
    check.close();
  });
});
