import { request } from 'node:http';
import { type Origin, readBody, startOrigin } from '@hookline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, sha256 } from './test-support/http-call.js';
import { type InProcessTunnel, openInProcessTunnel } from './test-support/in-process-tunnel.js';

const KiB = 1024;
const WINDOW = 256 * KiB;

describe('request bodies to the local server: collected within the window, streamed past it', () => {
  let local: Origin;
  let through: InProcessTunnel;
  let base = '';
  /** Paths whose request the local server has seen the head of. */
  const seen = new Set<string>();
  /** Request body bytes that have reached the tunnel client. */
  let bodyAtClient = 0;
  const onChange = new Set<() => void>();
  const changed = () => {
    for (const listener of [...onChange]) listener();
  };
  /** Resolves once `condition` holds, checked whenever the local server or the client sees more. */
  const when = (condition: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!condition()) return;
        onChange.delete(check);
        resolve();
      };
      onChange.add(check);
      check();
    });

  beforeAll(async () => {
    local = await startOrigin(async (req, res) => {
      seen.add(req.url ?? '');
      changed();
      const body = await readBody(req);
      res.end(JSON.stringify({ sha: sha256(body), length: body.length }));
    });
    through = await openInProcessTunnel(
      local.port,
      'buffering',
      { streamWindow: WINDOW, maxBodyBytes: 16 * 1024 * KiB },
      {
        // One connection to the local server: a request sent to it waits for the one before.
        maxLocalSockets: 1,
        observer: {
          requestBody(_id, chunk) {
            bodyAtClient += chunk.length;
            changed();
          },
        },
      },
    );
    base = through.base;
  });

  afterAll(async () => {
    await through?.close();
    await local?.close();
  });

  /** POST `total` bytes declared up front: the first half, then `between()`, then the rest. */
  function twoPartUpload(path: string, total: number, between: () => Promise<void>) {
    const body = Buffer.alloc(total, 7);
    return new Promise<{ status: number; answer: { sha: string; length: number } }>((resolve, reject) => {
      const req = request(`${base}${path}`, { method: 'POST', headers: { 'content-length': String(total) } });
      req.on('response', (res) => {
        readBody(res)
          .then((text) => resolve({ status: res.statusCode ?? 0, answer: JSON.parse(text.toString()) }))
          .catch(reject);
      });
      req.on('error', reject);
      req.write(body.subarray(0, total / 2));
      between().then(
        () => req.end(body.subarray(total / 2)),
        (error: unknown) => {
          req.destroy();
          reject(error);
        },
      );
    }).then((result) => ({ ...result, expectedSha: sha256(body) }));
  }

  it('holds a body declared within the stream window until it is whole, then sends it', async () => {
    bodyAtClient = 0;
    const result = await twoPartUpload('/within', 128 * KiB, async () => {
      // Half the body is at the client...
      await when(() => bodyAtClient >= 64 * KiB);
      // ...and the local server has not been asked: a request sent after it over the one
      // local connection is answered (had /within been sent, it would wait behind it).
      const next = call(`${base}/next`);
      await Promise.race([next, when(() => seen.has('/within'))]);
      expect(seen.has('/within')).toBe(false);
      expect((await next).status).toBe(200);
    });
    expect(result.status).toBe(200);
    expect(result.answer).toEqual({ sha: result.expectedSha, length: 128 * KiB });
  });

  it('streams a body declared larger than the window: the local server starts before the caller ends', async () => {
    const result = await twoPartUpload('/past', 2 * WINDOW, async () => {
      await expect.poll(() => seen.has('/past'), { timeout: 5_000 }).toBe(true);
    });
    expect(result.status).toBe(200);
    expect(result.answer).toEqual({ sha: result.expectedSha, length: 2 * WINDOW });
  });
});
