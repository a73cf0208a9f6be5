import { getRawHeader } from '@hookline/protocol';
import type { Content, Creator, Entry, Har, Header, PostData, Request, Response } from 'har-format';
import { bodyBytes } from './body.js';
import { bodyText } from './text-body.js';
import type { CapturedBody, CaptureRecord } from './types.js';

/**
 * HAR 1.2 as `har-format` (@types/har-format) defines it, plus hookline's own
 * fields, `_`-prefixed as HAR allows custom fields to be.
 */
export type HarEntry = Entry & {
  request: Request & {
    /** HAR 1.2 has no encoding for postData: `_encoding: 'base64'` says the text is base64. */
    postData?: PostData & { _encoding?: 'base64' };
  };
  response: Response & {
    /** Why there is no response (status 0), e.g. `E_LOCAL_REFUSED`. */
    _error?: { code: string; message: string };
  };
  _id: string;
  _origin: string;
  _replayOf: string | null;
  _tunnel: string;
  _truncated: boolean;
};

/** A HAR 1.2 document of hookline's entries. */
export type HarDocument = Har & { log: Har['log'] & { entries: HarEntry[] } };

function nameValues(headers: readonly string[]): Header[] {
  const out: Header[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2)
    out.push({ name: headers[i] as string, value: headers[i + 1] as string });
  return out;
}

/** Text as is when printable UTF-8, else base64 with `encoding: 'base64'`. */
function harText(body: CapturedBody): Pick<Content, 'text' | 'encoding'> & { text: string } {
  const bytes = bodyBytes(body);
  const text = bodyText(bytes);
  return text === null ? { text: bytes.toString('base64'), encoding: 'base64' } : { text };
}

/** The URL the caller used: public scheme and Host, and the path before routing stripped `/t/<name>`. */
function publicUrl(record: CaptureRecord): string {
  const { request } = record;
  const base = request.host ? `${request.protocol}://${request.host}` : record.target;
  const path = request.publicPath ?? request.path;
  return URL.canParse(path, base) ? new URL(path, base).href : `${base}${path}`;
}

function entry(record: CaptureRecord): HarEntry {
  const { request, response } = record;
  const url = publicUrl(record);
  const queryString = URL.canParse(url) ? [...new URL(url).searchParams].map(([name, value]) => ({ name, value })) : [];
  const requestType = getRawHeader(request.headers, 'content-type') ?? 'application/octet-stream';
  const requestText = harText(request.body);
  const wait = Math.max(0, record.timings.waitMs ?? record.timings.totalMs);
  return {
    startedDateTime: new Date(record.startedAt).toISOString(),
    time: record.timings.totalMs,
    request: {
      method: request.method,
      url,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: nameValues(request.headers),
      queryString,
      // HAR 1.2 has no encoding field for postData: `_encoding` says the text is base64.
      ...(request.body.size > 0
        ? {
            postData: {
              mimeType: requestType,
              text: requestText.text,
              ...(requestText.encoding ? { _encoding: 'base64' } : {}),
            },
          }
        : {}),
      headersSize: -1,
      bodySize: request.body.size,
    },
    response: {
      status: response?.status ?? 0,
      statusText: response?.statusText ?? '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: nameValues(response?.headers ?? []),
      content: {
        size: response?.body.size ?? 0,
        mimeType: (response && getRawHeader(response.headers, 'content-type')) ?? 'application/octet-stream',
        ...(response ? harText(response.body) : {}),
      },
      redirectURL: (response && getRawHeader(response.headers, 'location')) ?? '',
      headersSize: -1,
      bodySize: response?.body.size ?? -1,
      ...(record.error ? { _error: record.error } : {}),
    },
    cache: {},
    timings: { send: 0, wait, receive: Math.max(0, record.timings.totalMs - wait) },
    _id: record.id,
    _origin: record.origin,
    _replayOf: record.replayOf,
    _tunnel: record.tunnel,
    _truncated: request.body.truncated || (response?.body.truncated ?? false),
  };
}

/**
 * HAR 1.2 for a list of captures, in the given order. Binary bodies are base64
 * (`content.encoding`, and `_encoding` on postData); truncated ones are flagged
 * with `_truncated`.
 */
export function toHar(records: readonly CaptureRecord[], creator: Creator): HarDocument {
  return { log: { version: '1.2', creator, entries: records.map(entry) } };
}
