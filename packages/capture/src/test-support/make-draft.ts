import { wholeBody } from '../body.js';
import type { CaptureDraft } from '../types.js';

export interface DraftInit {
  method?: string;
  path?: string;
  headers?: string[];
  body?: string | Buffer;
  status?: number | null;
  responseHeaders?: string[];
  responseBody?: string | Buffer;
  startedAt?: number;
  target?: string;
}

/** A plausible captured exchange for tests. */
export function makeDraft(init: DraftInit = {}): CaptureDraft {
  const body = Buffer.from(init.body ?? '');
  const status = init.status === undefined ? 200 : init.status;
  return {
    tunnel: 'demo',
    origin: 'live',
    replayOf: null,
    target: init.target ?? 'http://127.0.0.1:3000/',
    startedAt: init.startedAt ?? Date.UTC(2025, 0, 2, 3, 4, 5),
    request: {
      method: init.method ?? 'POST',
      path: init.path ?? '/hooks',
      headers: init.headers ?? ['Host', 'demo.localhost:4747', 'Content-Type', 'application/json'],
      body: wholeBody(body),
      remoteAddress: '::ffff:127.0.0.1',
      protocol: 'http',
      host: 'demo.localhost:4747',
    },
    response:
      status === null
        ? null
        : {
            status,
            statusText: 'OK',
            headers: init.responseHeaders ?? ['Content-Type', 'text/plain'],
            body: wholeBody(Buffer.from(init.responseBody ?? 'ok')),
          },
    timings: { waitMs: status === null ? null : 3, totalMs: 4 },
    error: status === null ? { code: 'E_LOCAL_REFUSED', message: 'connection refused' } : null,
  };
}
