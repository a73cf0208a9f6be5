import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { CaptureError } from '@hookline/capture';
import { type Context, Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { CaptureService } from './capture-service.js';
import { decodeReplayRequest, encodeRecord } from './control-wire.js';

/** Largest replay request body accepted (an edited body up to the capture cap, in base64). */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export interface ControlServer {
  port: number;
  close(): Promise<void>;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Every answer of this endpoint that is not a capture: `{code, message}`. */
const problem = (c: Context, status: 400 | 401 | 404 | 413 | 500, code: string, message: string) =>
  c.json({ code, message }, status);

/**
 * The routes of the control endpoint, as a hono app (tests call `app.request()`):
 * `GET /v1/captures?limit&filter&bodies=0`, `GET /v1/captures/:id`,
 * `POST /v1/captures/:id/replay`. Every route needs the lock file's token.
 */
export function createControlApp(service: CaptureService, token: () => string): Hono {
  const app = new Hono();
  const unauthorized = (c: Context) => problem(c, 401, 'E_UNAUTHORIZED', 'missing or wrong control token');
  app.use(
    bearerAuth({
      // Digests of equal length: the comparison is constant-time whatever is sent.
      verifyToken: (given) => timingSafeEqual(digest(given), digest(token())),
      noAuthenticationHeader: { message: unauthorized },
      invalidAuthenticationHeader: { message: unauthorized },
      invalidToken: { message: unauthorized },
    }),
  );

  app.get('/v1/captures', async (c) => {
    const limit = c.req.query('limit');
    const captures = await service.list({
      ...(limit === undefined ? {} : { limit: Number(limit) }),
      filter: c.req.query('filter') ?? '',
      withoutBodies: c.req.query('bodies') === '0',
    });
    return c.json({ captures: captures.map(encodeRecord) });
  });

  app.get('/v1/captures/:id', async (c) => {
    const id = c.req.param('id');
    const record = await service.get(id);
    return record ? c.json(encodeRecord(record)) : problem(c, 404, 'E_CAPTURE_NOT_FOUND', `no capture with id ${id}`);
  });

  app.post(
    '/v1/captures/:id/replay',
    bodyLimit({
      maxSize: MAX_REQUEST_BYTES,
      onError: (c) => problem(c, 413, 'E_BODY_TOO_LARGE', `a replay request is at most ${MAX_REQUEST_BYTES} bytes`),
    }),
    async (c) => {
      const text = await c.req.text();
      let json: unknown;
      try {
        json = text === '' ? {} : JSON.parse(text);
      } catch {
        return problem(c, 400, 'E_BAD_REQUEST', 'the replay request is not JSON');
      }
      return c.json(encodeRecord(await service.replay(c.req.param('id'), decodeReplayRequest(json))));
    },
  );

  app.notFound((c) => problem(c, 404, 'E_NOT_FOUND', `no route ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    if (error instanceof CaptureError)
      return problem(c, error.code === 'E_CAPTURE_NOT_FOUND' ? 404 : 400, error.code, error.message);
    return problem(c, 500, 'E_INTERNAL', error.message);
  });
  return app;
}

/**
 * The control endpoint of a running `hookline http`: the single writer of its
 * store, so `hookline requests|replay|export` go through it instead of opening
 * the file themselves. Loopback only, and a bearer token from the 0600 lock file.
 */
export async function startControlServer(service: CaptureService, token: () => string): Promise<ControlServer> {
  const server = createAdaptorServer({ fetch: createControlApp(service, token).fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
