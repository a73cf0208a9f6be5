import { join } from 'node:path';
import { type CaptureDraft, CaptureStore, STORE_FILE, wholeBody } from '@hookline/capture';

export interface FixtureOptions {
  /** Tunnel name on every capture. @default 'bench' */
  tunnel?: string;
  /** Local target recorded on every capture. @default http://127.0.0.1:3000/ */
  target?: string;
  /** Paths of the first captures (the rest are `/hooks/<i>`). */
  paths?: string[];
  /** Request body of every capture. @default 1 KiB of JSON */
  requestBody?: Buffer;
}

const requestBody = wholeBody(Buffer.from(JSON.stringify({ id: 'evt_1', type: 'invoice.paid', pad: 'x'.repeat(950) })));
const responseBody = wholeBody(Buffer.from('{"ok":true}'));

/** A typical webhook exchange: 1 KiB JSON in, small JSON out; every 10th a 500, every 7th a GET. */
function draft(i: number, count: number, options: FixtureOptions): CaptureDraft {
  return {
    tunnel: options.tunnel ?? 'bench',
    origin: 'live',
    replayOf: null,
    target: options.target ?? 'http://127.0.0.1:3000/',
    startedAt: Date.now() - (count - i) * 1000,
    request: {
      method: i % 7 === 0 ? 'GET' : 'POST',
      path: options.paths?.[i - 1] ?? `/hooks/${i}`,
      headers: ['Content-Type', 'application/json', 'X-Fixture-Index', String(i)],
      body: options.requestBody ? wholeBody(options.requestBody) : requestBody,
      remoteAddress: '127.0.0.1',
      protocol: 'http',
      host: 'bench.localhost',
    },
    response: {
      status: i % 10 === 0 ? 500 : 200,
      statusText: i % 10 === 0 ? 'Internal Server Error' : 'OK',
      headers: ['Content-Type', 'application/json'],
      body: responseBody,
    },
    timings: { waitMs: 2, totalMs: 3 },
    error: null,
  };
}

/**
 * Store `count` captures in `<dataDir>/captures.db` through the store's own API
 * (the same rows `hookline http` writes), committing every 5 000 so memory stays
 * flat. Ids are 1…count, oldest first.
 */
export async function seedCaptures(dataDir: string, count: number, options: FixtureOptions = {}): Promise<void> {
  const store = await CaptureStore.open({
    file: join(dataDir, STORE_FILE),
    maxCount: Math.max(count, 1),
    flushDelayMs: 60_000,
  });
  try {
    for (let i = 1; i <= count; i += 1) {
      store.add(draft(i, count, options));
      if (i % 5_000 === 0) await store.flush();
    }
  } finally {
    await store.close();
  }
}
