import { CaptureStore } from '@hookline/capture';
import { cleanup } from 'ink-testing-library';
import { createElement } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localCaptureService } from '../inspector/capture-service.js';
import { inspectorActions } from '../inspector/inspector-actions.js';
import { type BytesOrigin, startBytesOrigin } from '../test-support/bytes-origin.js';
import { driveInk } from '../test-support/ink-driver.js';
import { draft } from '../test-support/records.js';
import { Inspector } from '../tui/inspector.js';
import type { StatusSource } from '../tui/sources.js';
import type { CapturePage } from './capture-page.js';
import { createWebApp } from './web-app.js';

const SECRET = 's'.repeat(43);
const HEADERS = { host: '127.0.0.1:4040', authorization: `Bearer ${SECRET}` };

let store: CaptureStore;
let origin: BytesOrigin;

beforeEach(async () => {
  store = await CaptureStore.open({ file: null });
  origin = await startBytesOrigin();
});

afterEach(async () => {
  cleanup();
  await store.close();
  await origin.close();
});

/** What `hookline http` builds: one store, one capture service, both inspectors on them. */
function both() {
  const service = localCaptureService(store);
  const status: StatusSource = {
    get: () => ({ url: 'http://demo.localhost:4747', name: 'demo', target: origin.url, state: 'online' }),
    subscribe: () => () => {},
  };
  const actions = {
    ...inspectorActions({ service, env: {}, cwd: '/' }),
    lendTerminal: <T>(work: () => Promise<T>) => work(),
  };
  const tui = driveInk(createElement(Inspector, { captures: store, status, actions }));
  const { app } = createWebApp({ store, service, status, secret: SECRET, port: () => 4040, assets: new Map() });
  const web = (path: string, init: RequestInit = {}) =>
    app.request(`http://127.0.0.1:4040/api/v1${path}`, { ...init, headers: HEADERS });
  return { tui, web };
}

describe('the terminal and web inspectors stay in step', () => {
  it('a replay from the web page shows in the TUI, and one from the TUI in the web list', async () => {
    store.add({ ...draft({ path: '/hook', body: '{"n":1}' }), target: origin.url });
    const { tui, web } = both();
    await tui.waitForFrame(/▸.*\/hook/);

    expect((await web('/captures/1/replay', { method: 'POST', body: '{}' })).status).toBe(201);
    await tui.waitForFrame(/2 captured/);

    await tui.press('r');
    await tui.waitForFrame(/replayed #\d as #3: 200 OK/);
    const page = (await (await web('/captures')).json()) as CapturePage;
    expect(page.captures.map((c) => [c.id, c.origin])).toEqual([
      ['3', 'replay'],
      ['2', 'replay'],
      ['1', 'live'],
    ]);
    expect(origin.received).toHaveLength(2);
  });
});
