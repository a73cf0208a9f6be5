import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { defaultAssetsDir, loadPageAssets } from './page-assets.js';
import { createWebApp, type WebAppOptions } from './web-app.js';
import { createWebSecret } from './web-secret.js';

/** The inspector's usual port (ngrok's, which its users look for). */
export const DEFAULT_INSPECT_PORT = 4040;
/** Ports tried from the default on when it is taken. */
export const DEFAULT_PORT_TRIES = 20;

export interface WebInspectorOptions extends Omit<WebAppOptions, 'secret' | 'port' | 'assets'> {
  /** 0 for any free port. @default 4040 */
  port?: number;
  /** Ports tried from `port` on while they are taken (1: that port or fail). @default 1 */
  portTries?: number;
  /** @default a fresh one (`createWebSecret`) */
  secret?: string;
  /** Where the built page is. @default `defaultAssetsDir()` */
  assetsDir?: string;
}

export interface WebInspector {
  /** `http://127.0.0.1:<port>/#<secret>`: the page reads the secret from the fragment, which no request carries. */
  url: string;
  origin: string;
  port: number;
  secret: string;
  close(): Promise<void>;
}

function listen(server: ReturnType<typeof createAdaptorServer>, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Serve the web inspector on 127.0.0.1 only: the page and the API of the
 * captures `store` and `service` (see `createWebApp`). Resolves once it listens.
 */
export async function startWebInspector(options: WebInspectorOptions): Promise<WebInspector> {
  const secret = options.secret ?? createWebSecret();
  const assets = await loadPageAssets(options.assetsDir ?? defaultAssetsDir());
  let port = 0;
  const { app, streams } = createWebApp({ ...options, secret, port: () => port, assets });
  const server = createAdaptorServer({ fetch: app.fetch });
  server.maxConnections = options.limits?.maxConnections ?? 64;
  const first = options.port ?? DEFAULT_INSPECT_PORT;
  const tries = first === 0 ? 1 : (options.portTries ?? 1);
  for (let i = 0; ; i += 1) {
    try {
      port = await listen(server, first + i);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || i + 1 >= tries) throw error;
    }
  }
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#${secret}`,
    origin,
    port,
    secret,
    close: () =>
      new Promise<void>((resolve) => {
        streams.closeAll();
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}
