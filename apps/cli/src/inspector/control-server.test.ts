import { CaptureStore } from '@hookline/capture';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Origin, startOrigin } from '../test-support/origin.js';
import { draft } from '../test-support/records.js';
import { localCaptureService } from './capture-service.js';
import { createControlApp, startControlServer } from './control-server.js';
import { type CaptureRecordJson, decodeRecord } from './control-wire.js';

const TOKEN = 'control-token_0123-abc';

describe('control endpoint', () => {
  let store: CaptureStore;
  let origin: Origin;

  beforeEach(async () => {
    store = await CaptureStore.open({ file: null });
    origin = await startOrigin();
  });

  afterEach(async () => {
    await store.close();
    await origin.close();
  });

  const app = () => createControlApp(localCaptureService(store), () => TOKEN);
  const call = (path: string, init: RequestInit = {}, authorization: string | null = `Bearer ${TOKEN}`) =>
    app().request(path, {
      ...init,
      headers: { ...(authorization === null ? {} : { authorization }), 'content-type': 'application/json' },
    });
  const problem = async (res: Response) => ({ status: res.status, ...((await res.json()) as object) });

  it('refuses every route without the token, with a wrong one and with a malformed header: 401 E_UNAUTHORIZED', async () => {
    const refused = { status: 401, code: 'E_UNAUTHORIZED', message: 'missing or wrong control token' };
    for (const authorization of [null, 'Bearer wrong-token', `Basic ${TOKEN}`, 'Bearer', `Bearer ${TOKEN} x`]) {
      expect(await problem(await call('/v1/captures', {}, authorization))).toEqual(refused);
      expect(await problem(await call('/v1/nothing', {}, authorization))).toEqual(refused);
      expect(await problem(await call('/v1/captures/1/replay', { method: 'POST' }, authorization))).toEqual(refused);
    }
  });

  it('lists captures newest first, with a limit and a filter, bodies left out on request', async () => {
    store.add(draft({ path: '/first' }));
    store.add(draft({ path: '/second', method: 'GET' }));
    const all = (await (await call('/v1/captures')).json()) as { captures: CaptureRecordJson[] };
    expect(all.captures.map((capture) => capture.request.path)).toEqual(['/second', '/first']);
    const limited = (await (await call('/v1/captures?limit=1')).json()) as { captures: CaptureRecordJson[] };
    expect(limited.captures.map((capture) => capture.request.path)).toEqual(['/second']);
    const filtered = (await (await call('/v1/captures?filter=method:POST&bodies=0')).json()) as {
      captures: CaptureRecordJson[];
    };
    expect(filtered.captures.map((capture) => capture.request.path)).toEqual(['/first']);
    expect(filtered.captures[0]?.request.body.data).toBe('');
    expect(await problem(await call('/v1/captures?filter=nope:1'))).toMatchObject({
      status: 400,
      code: 'E_BAD_FILTER',
    });
  });

  it('reads one capture, or answers 404 E_CAPTURE_NOT_FOUND', async () => {
    const { id } = store.add(draft({ body: 'hello' }));
    const res = await call(`/v1/captures/${id}`);
    expect(res.status).toBe(200);
    expect(decodeRecord((await res.json()) as CaptureRecordJson).request.body.bytes.toString()).toBe('hello');
    expect(await problem(await call('/v1/captures/999'))).toEqual({
      status: 404,
      code: 'E_CAPTURE_NOT_FOUND',
      message: 'no capture with id 999',
    });
  });

  it('replays a capture to a real target and answers the new record', async () => {
    const { id } = store.add(draft({ path: '/hook', body: 'payload' }));
    const res = await call(`/v1/captures/${id}/replay`, {
      method: 'POST',
      body: JSON.stringify({ target: `http://127.0.0.1:${origin.port}` }),
    });
    expect(res.status).toBe(200);
    const replayed = decodeRecord((await res.json()) as CaptureRecordJson);
    expect(replayed).toMatchObject({ origin: 'replay', replayOf: id, response: { status: 200 } });
    expect(origin.requests.map((seen) => [seen.url, seen.body.toString()])).toEqual([['/hook', 'payload']]);
  });

  it('answers bad replay requests with their codes, never a 500', async () => {
    const { id } = store.add(draft());
    const replay = (body: string, path = `/v1/captures/${id}/replay`) => call(path, { method: 'POST', body });
    expect(await problem(await replay('{"target": 5}'))).toMatchObject({ status: 400, code: 'E_BAD_TARGET' });
    expect(await problem(await replay('not json'))).toMatchObject({ status: 400, code: 'E_BAD_REQUEST' });
    expect(await problem(await replay('{}', '/v1/captures/999/replay'))).toMatchObject({
      status: 404,
      code: 'E_CAPTURE_NOT_FOUND',
    });
    expect(await problem(await replay(`"${'x'.repeat(4 * 1024 * 1024 + 1)}"`))).toMatchObject({
      status: 413,
      code: 'E_BODY_TOO_LARGE',
    });
  });

  it('answers an unknown route or method 404 E_NOT_FOUND', async () => {
    expect(await problem(await call('/v1/captures/1/replay'))).toEqual({
      status: 404,
      code: 'E_NOT_FOUND',
      message: 'no route GET /v1/captures/1/replay',
    });
    expect(await problem(await call('/v1/captures', { method: 'DELETE' }))).toMatchObject({
      status: 404,
      code: 'E_NOT_FOUND',
    });
  });

  it('serves the same app on a loopback port, and closes with a client still connected', async () => {
    const server = await startControlServer(localCaptureService(store), () => TOKEN);
    try {
      const url = `http://127.0.0.1:${server.port}/v1/captures`;
      expect((await fetch(url)).status).toBe(401);
      const ok = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(await ok.json()).toEqual({ captures: [] });
    } finally {
      await server.close();
    }
  });
});
