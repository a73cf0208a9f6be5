import { stripHopByHop } from '@hookline/protocol';
import { bodyBytes } from './body.js';
import { refuseTruncated } from './truncated.js';
import type { CaptureRecord } from './types.js';

/**
 * A captured request as a JSON test fixture (format version 1): everything a
 * test suite needs to post it to its own server, and nothing about the response.
 */
export interface RequestFixture {
  hooklineFixture: 1;
  method: string;
  /** Path and query, as the local server received them. */
  path: string;
  /** `[name, value]` pairs in the order sent (repeats kept); no Host, Content-Length or hop-by-hop headers. */
  headers: Array<[string, string]>;
  /** The exact body: UTF-8 text, or base64 when the bytes are not valid UTF-8. */
  body: string;
  bodyEncoding: 'utf8' | 'base64';
  /** The signature provider detected and its verdict at capture time, when signed. */
  signature: { provider: string | null; status: string } | null;
  /** Where it came from, for the reader. */
  capturedAt: string;
  captureId: string;
}

/** Headers that belong to a connection, not to the request: the test's HTTP client sets its own. */
const CONNECTION_HEADERS = new Set(['host', 'content-length']);

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The request of a capture as a fixture. Text bodies stay readable; any body
 * that is not valid UTF-8 is base64, so posting `Buffer.from(body, bodyEncoding)`
 * sends the captured bytes exactly (and their signature still matches).
 *
 * @example
 * const f = toFixture(record);
 * await fetch(url + f.path, { method: f.method, headers: f.headers, body: Buffer.from(f.body, f.bodyEncoding) });
 */
export function toFixture(record: CaptureRecord): RequestFixture {
  const { request } = record;
  refuseTruncated(record, 'it cannot be a byte-exact fixture');
  const bytes = bodyBytes(request.body);
  let text: string | null;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    text = null;
  }
  const kept = stripHopByHop(request.headers);
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < kept.length; i += 2) {
    const name = kept[i] as string;
    if (!CONNECTION_HEADERS.has(name.toLowerCase())) headers.push([name, kept[i + 1] as string]);
  }
  return {
    hooklineFixture: 1,
    method: request.method,
    path: request.path,
    headers,
    body: text ?? bytes.toString('base64'),
    bodyEncoding: text === null ? 'base64' : 'utf8',
    signature: record.signature ? { provider: record.signature.provider, status: record.signature.status } : null,
    capturedAt: new Date(record.startedAt).toISOString(),
    captureId: record.id,
  };
}
