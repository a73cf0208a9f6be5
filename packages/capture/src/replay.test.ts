import { createServer, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { bodyBytes, wholeBody } from './body.js';
import { replayCapture } from './replay.js';
import { makeDraft } from './test-support/make-draft.js';
import { type RecordingOrigin, startRecordingOrigin } from './test-support/recording-origin.js';
import type { CaptureRecord } from './types.js';

const origins: RecordingOrigin[] = [];

afterEach(async () => {
  await Promise.all(origins.splice(0).map((origin) => origin.close()));
});

async function origin(): Promise<RecordingOrigin> {
  const started = await startRecordingOrigin();
  origins.push(started);
  return started;
}

/** A gzip-compressed binary payload: every byte value, so any re-encoding shows. */
function gzipBinary(): Buffer {
  const raw = Buffer.alloc(4096);
  for (let i = 0; i < raw.length; i += 1) raw[i] = (i * 7) % 256;
  return gzipSync(raw);
}

function record(init: Parameters<typeof makeDraft>[0]): CaptureRecord {
  return { id: '7', ...makeDraft(init) };
}

describe('replayCapture', () => {
  it('sends a gzip + binary body that arrives byte-identical, with the captured headers', async () => {
    const target = await origin();
    const body = gzipBinary();
    const original = record({
      method: 'PUT',
      path: '/upload?x=1',
      headers: [
        'Host',
        'demo.localhost:4747',
        'Content-Encoding',
        'gzip',
        'Content-Type',
        'application/octet-stream',
        'Transfer-Encoding',
        'chunked',
        'X-Sig',
        'abc',
      ],
      body,
    });
    const draft = await replayCapture(original, { target: target.url });
    const seen = target.received[0];
    expect(seen?.body.equals(body)).toBe(true);
    expect(seen).toMatchObject({ method: 'PUT', url: '/upload?x=1' });
    expect(seen?.headers).toMatchObject({
      host: 'demo.localhost:4747',
      'content-encoding': 'gzip',
      'content-length': String(body.length),
      'x-sig': 'abc',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-host': 'demo.localhost:4747',
    });
    expect(seen?.headers['transfer-encoding']).toBeUndefined();
    expect(draft).toMatchObject({ origin: 'replay', replayOf: '7', error: null, response: { status: 202 } });
    expect(bodyBytes(draft.request.body).equals(body)).toBe(true);
    expect(bodyBytes(draft.response!.body)).toEqual(Buffer.concat([Buffer.from('seen '), body.subarray(0, 4)]));
    expect(draft.timings.waitMs).not.toBeNull();
  });

  it("replays to the capture's own target by default, rewriting Host when asked", async () => {
    const target = await origin();
    await replayCapture(record({ target: `${target.url}/` }), { hostHeader: 'rewrite' });
    expect(target.received[0]?.headers.host).toBe(`127.0.0.1:${target.port}`);
  });

  it('applies an edit and keeps every unedited part byte-exact', async () => {
    const target = await origin();
    const body = gzipBinary();
    const original = record({ headers: ['Content-Encoding', 'gzip', 'X-Keep', 'yes'], body });
    await replayCapture(original, {
      target: target.url,
      edit: { headers: ['Content-Encoding', 'gzip', 'X-Edited', '1'] },
    });
    expect(target.received[0]?.body.equals(body)).toBe(true);
    expect(target.received[0]?.headers['x-edited']).toBe('1');
    expect(target.received[0]?.headers['x-keep']).toBeUndefined();
    await replayCapture(original, { target: target.url, edit: { body: Buffer.from('{"new":true}'), method: 'PATCH' } });
    expect(target.received[1]).toMatchObject({ method: 'PATCH', headers: { 'x-keep': 'yes', 'content-length': '12' } });
    expect(target.received[1]?.body.toString()).toBe('{"new":true}');
  });

  it('records a refused target as E_LOCAL_REFUSED instead of throwing', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const draft = await replayCapture(record({}), { target: `http://127.0.0.1:${port}` });
    expect(draft).toMatchObject({ response: null, error: { code: 'E_LOCAL_REFUSED' } });
  });

  it('records a silent target as E_LOCAL_TIMEOUT', async () => {
    // Accepts connections and never answers; the sockets are destroyed to let close() finish.
    const sockets: Socket[] = [];
    const server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const draft = await replayCapture(record({}), { target: `http://127.0.0.1:${port}`, timeoutMs: 200 });
      expect(draft.error?.code).toBe('E_LOCAL_TIMEOUT');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('records a replay without the public path of the original (it never went through the public URL)', async () => {
    const target = await origin();
    const original = record({ path: '/hooks' });
    original.request = { ...original.request, publicPath: '/t/demo/hooks' };
    const draft = await replayCapture(original, { target: target.url });
    expect(target.received[0]?.url).toBe('/hooks');
    expect(draft.request.path).toBe('/hooks');
    expect('publicPath' in draft.request).toBe(false);
  });

  it('refuses a truncated capture and a non-http target with coded errors', async () => {
    const truncated = record({});
    truncated.request.body = { ...wholeBody(Buffer.from('abc')), size: 10, truncated: true };
    await expect(replayCapture(truncated, { target: 'http://127.0.0.1:1' })).rejects.toMatchObject({
      code: 'E_CAPTURE_TRUNCATED',
    });
    await expect(replayCapture(record({}), { target: 'ftp://x' })).rejects.toMatchObject({ code: 'E_BAD_TARGET' });
  });
});
