import { takeEvents } from './sse.js';

/**
 * Talking to the hookline that served this page. The secret comes in the URL
 * fragment (never sent to a server), is kept for this tab only and taken out of
 * the address bar, then sent as a bearer header on every call.
 */
const KEY = 'hookline-secret';

function takeSecret(): string {
  const fromHash = location.hash.slice(1);
  if (fromHash) {
    sessionStorage.setItem(KEY, fromHash);
    history.replaceState(null, '', location.pathname);
  }
  return sessionStorage.getItem(KEY) ?? '';
}

const secret = takeSecret();

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(`/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${secret}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ApiError(res.status, body.code ?? `HTTP ${res.status}`, body.message ?? res.statusText);
  }
  return res;
}

export const getJson = async <T>(path: string): Promise<T> => (await call(path)).json() as Promise<T>;

export const postJson = async <T>(path: string, body: unknown): Promise<T> =>
  (await call(path, { method: 'POST', body: JSON.stringify(body) })).json() as Promise<T>;

/**
 * The live stream (Server-Sent Events) read with fetch, since EventSource cannot
 * send the bearer header. Reconnects with a growing delay; returns a stop function.
 */
export function listen(onEvent: (event: string, data: unknown) => void, onState: (up: boolean) => void): () => void {
  let stopped = false;
  let controller = new AbortController();
  let delay = 500;
  const run = async () => {
    while (!stopped) {
      try {
        controller = new AbortController();
        const res = await call('/events', { signal: controller.signal });
        onState(true);
        delay = 500;
        const reader = (res.body as ReadableStream<Uint8Array>).getReader();
        const decoder = new TextDecoder();
        let text = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const taken = takeEvents(text + decoder.decode(value, { stream: true }));
          text = taken.rest;
          for (const { event, data } of taken.events) onEvent(event, data);
        }
      } catch {
        // Dropped, refused or the process is gone: try again shortly.
      }
      onState(false);
      if (stopped) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  };
  void run();
  return () => {
    stopped = true;
    controller.abort();
  };
}
