import type { CaptureDraft, CaptureRecord } from '@hookline/capture';

export interface RecordInit {
  id?: string;
  method?: string;
  path?: string;
  headers?: string[];
  body?: string | Buffer;
  status?: number | null;
  responseHeaders?: string[];
  responseBody?: string | Buffer;
  origin?: CaptureRecord['origin'];
  startedAt?: number;
}

const body = (bytes: Buffer) => ({ bytes, size: bytes.length, truncated: false });

/** A captured exchange for TUI and command tests. */
export function draft(init: RecordInit = {}): CaptureDraft {
  const status = init.status === undefined ? 200 : init.status;
  return {
    tunnel: 'demo',
    origin: init.origin ?? 'live',
    replayOf: init.origin === 'replay' ? '1' : null,
    target: 'http://localhost:3000/',
    startedAt: init.startedAt ?? Date.UTC(2025, 0, 2, 3, 4, 5),
    request: {
      method: init.method ?? 'POST',
      path: init.path ?? '/hooks',
      headers: init.headers ?? ['Content-Type', 'application/json'],
      body: body(Buffer.from(init.body ?? '{"event":"ping"}')),
      remoteAddress: '127.0.0.1',
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
            body: body(Buffer.from(init.responseBody ?? 'ok')),
          },
    timings: { waitMs: status === null ? null : 3, totalMs: 4 },
    error: status === null ? { code: 'E_LOCAL_REFUSED', message: 'connection refused' } : null,
  };
}

export function record(init: RecordInit = {}): CaptureRecord {
  return { id: init.id ?? '1', ...draft(init) };
}
