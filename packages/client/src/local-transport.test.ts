import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { openLocalTransport } from './local-transport.js';

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

async function origin(): Promise<URL> {
  const server = createServer((_req, res) => res.end('hi'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
}

/** Dispatch and collect what the handler hears. */
function send(dispatcher: Pick<Dispatcher, 'dispatch'>, options: Dispatcher.DispatchOptions) {
  return new Promise<{ status?: number; body?: string; error?: string }>((resolve) => {
    const chunks: Buffer[] = [];
    let status = 0;
    const handler: Dispatcher.DispatchHandler = {
      onConnect() {},
      onHeaders(code) {
        status = code;
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        resolve({ status, body: Buffer.concat(chunks).toString() });
      },
      onError(error) {
        resolve({ error: (error as NodeJS.ErrnoException).code ?? error.message });
      },
    };
    try {
      dispatcher.dispatch(options, handler);
    } catch (error) {
      resolve({ error: `thrown: ${(error as NodeJS.ErrnoException).code}` });
    }
  });
}

describe('openLocalTransport (undici loaded after start)', () => {
  it('forwards a request that comes before undici has loaded, and the ones after', async () => {
    const target = await origin();
    const transport = openLocalTransport(target, 4);
    closers.push(() => transport.destroy());
    expect(await send(transport.dispatcher, { method: 'GET', path: '/' })).toEqual({ status: 200, body: 'hi' });
    expect(await send(transport.dispatcher, { method: 'GET', path: '/' })).toEqual({ status: 200, body: 'hi' });
  });

  it('reports a request undici refuses through the handler, loaded or not', async () => {
    const target = await origin();
    const bad = { method: 'GET', path: '/', headers: ['host', 'a', 'host', 'b'] };
    const early = openLocalTransport(target, 4);
    closers.push(() => early.destroy());
    const first = await send(early.dispatcher, bad);
    const second = await send(early.dispatcher, bad);
    expect(first.error ?? '').toMatch(/UND_ERR_INVALID_ARG/);
    expect(second.error ?? '').toMatch(/UND_ERR_INVALID_ARG/);
  });
});
