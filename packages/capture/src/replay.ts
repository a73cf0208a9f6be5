import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rawHeadersToObject } from '@hookline/protocol';
import { resignRequest, type SignatureConfig } from '@hookline/signatures';
import { BodyCollector, bodyBytes, wholeBody } from './body.js';
import { CaptureError } from './errors.js';
import { type ReplayHostHeader, replayHeaders } from './replay-headers.js';
import { CAPTURE_DEFAULTS } from './store-options.js';
import { refuseTruncated } from './truncated.js';
import type { CaptureDraft, CaptureRecord, ExchangeFailure } from './types.js';

/** Parts of a request to replace; whatever is absent is sent exactly as captured. */
export interface RequestEdit {
  method?: string;
  path?: string;
  /** Flat raw header list replacing the captured one. */
  headers?: string[];
  body?: Uint8Array;
}

export interface ReplayOptions {
  /** Where to send it. @default the capture's own target */
  target?: string | URL;
  edit?: RequestEdit;
  /** @default 'passthrough' */
  hostHeader?: ReplayHostHeader;
  /** No response head within this → recorded as `E_LOCAL_TIMEOUT`. @default 30_000 */
  timeoutMs?: number;
  /** @default 1 MiB */
  maxBodyBytes?: number;
  /** Tunnel name recorded on the new exchange. @default the original's */
  tunnel?: string;
  /**
   * Recompute the signature over the exact bytes sent (edited or not) with a fresh
   * timestamp; a new Standard Webhooks `webhook-id` only with `newId`.
   */
  resign?: { config: SignatureConfig; newId?: boolean };
  /** Clock (epoch ms) for the replay's start and the re-signed timestamp. @default Date.now */
  now?: () => number;
}

function targetUrl(target: string | URL): URL {
  const url = target instanceof URL ? target : URL.canParse(target) ? new URL(target) : null;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new CaptureError('E_BAD_TARGET', `replay target must be an http(s) URL, not ${String(target)}`);
  }
  return url;
}

function localFailure(error: NodeJS.ErrnoException, target: URL): ExchangeFailure {
  if (error.code === 'ECONNREFUSED') {
    return { code: 'E_LOCAL_REFUSED', message: `connection refused by ${target.host}: is your local server running?` };
  }
  return { code: 'E_LOCAL_ERROR', message: `local server ${target.host} failed: ${error.code ?? error.message}` };
}

/**
 * Send a captured request again and return the new exchange (origin `replay`,
 * linked to the original) for the caller to store. The body goes out byte-exact:
 * no re-encoding, no decompression. A refused or silent target is recorded, not thrown.
 *
 * @example
 * const draft = await replayCapture(store.get('7')!, { target: 'http://127.0.0.1:3000' });
 * const replayed = store.add(draft);
 */
export async function replayCapture(original: CaptureRecord, options: ReplayOptions = {}): Promise<CaptureDraft> {
  const target = targetUrl(options.target ?? original.target);
  const edit = options.edit ?? {};
  // A replay never went through the public URL: it keeps no public path.
  const { publicPath: _public, ...captured } = original.request;
  // An edited body replaces the missing bytes, so only an unedited one is refused.
  if (edit.body === undefined) refuseTruncated(original, 'it cannot be replayed byte-exact');
  const body = edit.body === undefined ? bodyBytes(captured.body) : Buffer.from(edit.body);
  const startedAt = (options.now ?? Date.now)();
  const editedHeaders = edit.headers ?? captured.headers;
  const request = {
    ...captured,
    method: edit.method ?? captured.method,
    path: edit.path ?? captured.path,
    headers: options.resign
      ? resignRequest({ headers: editedHeaders, body }, options.resign.config, {
          now: startedAt,
          ...(options.resign.newId ? { newId: true } : {}),
        }).headers
      : editedHeaders,
  };
  const headers = replayHeaders(request, body.length, target, options.hostHeader ?? 'passthrough');
  const started = performance.now();
  const outcome = await send(target, request.method, request.path, headers, body, options);
  return {
    tunnel: options.tunnel ?? original.tunnel,
    origin: 'replay',
    replayOf: original.id,
    target: target.origin,
    startedAt,
    request: { ...request, body: wholeBody(body) },
    response: outcome.response,
    timings: { waitMs: outcome.waitMs, totalMs: performance.now() - started },
    error: outcome.error,
  };
}

interface Outcome {
  response: CaptureDraft['response'];
  waitMs: number | null;
  error: ExchangeFailure | null;
}

function send(
  target: URL,
  method: string,
  path: string,
  headers: string[],
  body: Buffer,
  options: ReplayOptions,
): Promise<Outcome> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const collector = new BodyCollector(options.maxBodyBytes ?? CAPTURE_DEFAULTS.maxBodyBytes);
  return new Promise((resolve) => {
    let head: { res: IncomingMessage; waitMs: number } | null = null;
    const settle = (error: ExchangeFailure | null): void => {
      clearTimeout(timer);
      const res = head?.res;
      resolve({
        response: res
          ? {
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              headers: res.rawHeaders,
              body: collector.finish(),
            }
          : null,
        waitMs: head?.waitMs ?? null,
        error,
      });
    };
    const open = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = open({
      protocol: target.protocol,
      hostname: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port || (target.protocol === 'https:' ? 443 : 80),
      method,
      path,
      headers: rawHeadersToObject(headers),
      agent: false,
      // Local dev servers commonly use self-signed certificates.
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      req.destroy();
      settle({
        code: 'E_LOCAL_TIMEOUT',
        message: `${target.host} sent no response within ${Number((timeoutMs / 1000).toFixed(1))} s`,
      });
    }, timeoutMs);
    req.on('response', (res) => {
      clearTimeout(timer);
      head = { res, waitMs: performance.now() - started };
      res.on('data', (chunk: Buffer) => collector.push(chunk));
      res.on('end', () => settle(null));
      res.on('aborted', () => settle({ code: 'E_LOCAL_ERROR', message: `${target.host} broke off its response` }));
      res.on('error', () => settle({ code: 'E_LOCAL_ERROR', message: `${target.host} broke off its response` }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => settle(localFailure(error, target)));
    req.end(body);
  });
}
