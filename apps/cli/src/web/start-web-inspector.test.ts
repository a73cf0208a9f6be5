import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CaptureStore } from '@hookline/capture';
import { afterEach, describe, expect, it } from 'vitest';
import { localCaptureService } from '../inspector/capture-service.js';
import type { StatusSource } from '../tui/sources.js';
import { startWebInspector, type WebInspector } from './start-web-inspector.js';

const status: StatusSource = {
  get: () => ({ url: 'http://x.localhost', target: 'http://127.0.0.1:1', state: 'online' }),
  subscribe: () => () => {},
};
const cleanup: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function start(port: number, portTries?: number): Promise<WebInspector> {
  const store = await CaptureStore.open({ file: null });
  cleanup.push(() => store.close());
  const web = await startWebInspector({
    store,
    service: localCaptureService(store),
    status,
    port,
    ...(portTries === undefined ? {} : { portTries }),
    assetsDir: '/nonexistent',
  });
  cleanup.push(() => web.close());
  return web;
}

async function occupied(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as AddressInfo).port;
}

describe('startWebInspector', () => {
  it('moves on to a later port while the first is taken, when told to try several', async () => {
    const taken = await occupied();
    const web = await start(taken, 5);
    expect(web.port).toBeGreaterThan(taken);
    expect(web.url).toBe(`http://127.0.0.1:${web.port}/#${web.secret}`);
  });

  it('fails on a taken port it was given alone', async () => {
    const taken = await occupied();
    await expect(start(taken)).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('listens on loopback only, with a 43-character base64url secret, and answers 503 for an unbuilt page', async () => {
    const web = await start(0);
    expect(web.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const page = await fetch(`${web.origin}/`);
    expect(page.status).toBe(503);
    expect(page.headers.get('hookline-error')).toBe('E_NO_PAGE');
    const api = await fetch(`${web.origin}/api/v1/status`, { headers: { authorization: `Bearer ${web.secret}` } });
    expect(await api.json()).toMatchObject({ tunnel: { state: 'online' }, captures: 0 });
  });
});
