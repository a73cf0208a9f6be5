import { bodyText, type CapturedBody, type CaptureRecord, renderEditableRequest } from '@hookline/capture';
import { type CaptureSummary, summarize } from '../inspector/capture-summary.js';
import { decodeContent } from '../inspector/content-decoding.js';

/** A body as the API sends it: the stored bytes, and text for reading when there is some. */
export interface BodyJson {
  /** Bytes that crossed the wire. */
  size: number;
  /** Only the first bytes are stored. */
  truncated: boolean;
  /** The stored bytes, exactly. */
  base64: string;
  /** The Content-Encoding undone for `text` (gzip, deflate, br), or null. */
  decodedFrom: string | null;
  /** The body (decoded when `decodedFrom`) as UTF-8 text, or null when it is binary. */
  text: string | null;
}

export interface CaptureDetail {
  capture: CaptureSummary;
  target: string;
  request: {
    method: string;
    path: string;
    publicPath: string | null;
    host: string;
    protocol: 'http' | 'https';
    remoteAddress: string;
    /** `[name, value]` in the order sent, repeats kept. */
    headers: Array<[string, string]>;
    body: BodyJson;
  };
  response: { status: number; statusText: string; headers: Array<[string, string]>; body: BodyJson } | null;
  timings: CaptureRecord['timings'];
  /** Every stored delivery of the same provider event, oldest first (this one among them). */
  deliveries: string[];
  /** The request as `edit` text for `POST …/replay` (the same text `hookline replay --edit` opens). */
  editable: string;
}

function pairs(headers: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < headers.length; i += 2) out.push([headers[i] as string, headers[i + 1] as string]);
  return out;
}

function headerValue(headers: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if ((headers[i] as string).toLowerCase() === name) return headers[i + 1];
  }
  return undefined;
}

function bodyJson(body: CapturedBody, headers: readonly string[]): BodyJson {
  const encoding = headerValue(headers, 'content-encoding')?.trim().toLowerCase();
  // A truncated compressed body cannot inflate to its end: it is shown as bytes.
  const decoded = encoding && !body.truncated ? decodeContent(body.bytes, encoding) : null;
  return {
    size: body.size,
    truncated: body.truncated,
    base64: body.bytes.toString('base64'),
    decodedFrom: decoded ? (encoding as string) : null,
    text: bodyText(decoded ?? body.bytes),
  };
}

/** A capture as `GET /api/v1/captures/:id` answers. */
export function captureDetail(record: CaptureRecord, deliveries: readonly string[]): CaptureDetail {
  const { request, response } = record;
  return {
    capture: summarize(record),
    target: record.target,
    request: {
      method: request.method,
      path: request.path,
      publicPath: request.publicPath ?? null,
      host: request.host,
      protocol: request.protocol,
      remoteAddress: request.remoteAddress,
      headers: pairs(request.headers),
      body: bodyJson(request.body, request.headers),
    },
    response: response && {
      status: response.status,
      statusText: response.statusText,
      headers: pairs(response.headers),
      body: bodyJson(response.body, response.headers),
    },
    timings: record.timings,
    deliveries: [...deliveries],
    editable: renderEditableRequest(request),
  };
}
