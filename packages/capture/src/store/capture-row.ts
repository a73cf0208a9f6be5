import type { BodyInfo, CapturedBody, CaptureListing, CaptureRecord } from '../types.js';

/** One `captures` row as `INSERT_CAPTURE_SQL` takes it (and the writer thread receives it). */
export interface CaptureRow {
  id: number;
  startedAt: number;
  tunnel: string;
  origin: string;
  method: string;
  path: string;
  status: number | null;
  errorCode: string | null;
  sigStatus: string | null;
  eventKey: string | null;
  duplicateOf: number | null;
  storedBytes: number;
  listing: string;
  /** JSON of `RecordDetails`. */
  details: string;
  requestEncoding: string | null;
  responseEncoding: string | null;
  requestBody: Buffer;
  responseBody: Buffer | null;
}

/** What a record has beyond its listing and bodies: headers and the connection's details. */
export interface RecordDetails {
  target: string;
  remoteAddress: string;
  protocol: CaptureRecord['request']['protocol'];
  host: string;
  /** The path the caller used when routing changed it (`/t/<name>/…`). */
  publicPath?: string;
  statusText: string | null;
  requestHeaders: string[];
  responseHeaders: string[] | null;
}

/** The columns a record is rebuilt from (see `recordFromRow`). */
export interface StoredRecordRow {
  listing: string;
  /** JSON of `RecordDetails`. */
  details: string;
  requestBody: Buffer;
  responseBody: Buffer | null;
}

/** Duplicate detection key of a capture, or null when it carries no provider event id. */
export function eventKey(record: Pick<CaptureListing, 'event'>): string | null {
  return record.event ? `${record.event.provider}\u0000${record.event.id}` : null;
}

function info(body: CapturedBody): BodyInfo {
  return { size: body.size, truncated: body.truncated };
}

/**
 * The record without headers, bytes, id and per-connection details: what the
 * `listing` column holds. Built field by field (no spread of the record): it runs
 * for every capture, on the forwarding thread.
 */
function listingJson(record: CaptureRecord): ListingJson {
  const { request, response } = record;
  const listing: ListingJson = {
    tunnel: record.tunnel,
    origin: record.origin,
    replayOf: record.replayOf,
    startedAt: record.startedAt,
    request: { method: request.method, path: request.path, body: info(request.body) },
    response: response && { status: response.status, body: info(response.body) },
    timings: record.timings,
    error: record.error,
  };
  if (record.signature !== undefined) listing.signature = record.signature;
  if (record.event !== undefined) listing.event = record.event;
  if (record.duplicateOf !== undefined) listing.duplicateOf = record.duplicateOf;
  if (record.late !== undefined) listing.late = record.late;
  if (record.route !== undefined) listing.route = record.route;
  return listing;
}

/** The last Content-Encoding of a raw header list, lower-cased; null when the body is not encoded. */
export function contentEncoding(headers: readonly string[]): string | null {
  let found: string | null = null;
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i] as string;
    if (name.length === 16 && name.toLowerCase() === 'content-encoding') found = (headers[i + 1] as string).trim();
  }
  return found ? found.toLowerCase() : null;
}

function headerBytes(headers: readonly string[]): number {
  let total = 0;
  for (const item of headers) total += item.length + 2;
  return total;
}

/** What a capture costs against the byte bound: its stored body bytes plus its heads. */
export function storedBytes(record: CaptureRecord, requestBody: Uint8Array, responseBody: Uint8Array | null): number {
  let total = record.request.path.length + headerBytes(record.request.headers) + requestBody.length;
  if (record.response) total += headerBytes(record.response.headers) + (responseBody?.length ?? 0);
  return total;
}

/** The row for a record: the listing and the details serialised once each. */
export function toRow(record: CaptureRecord): CaptureRow {
  const requestBody = record.request.body.bytes;
  const responseBody = record.response ? record.response.body.bytes : null;
  return {
    id: Number(record.id),
    startedAt: record.startedAt,
    tunnel: record.tunnel,
    origin: record.origin,
    method: record.request.method,
    path: record.request.path,
    status: record.response?.status ?? null,
    errorCode: record.error?.code ?? null,
    sigStatus: record.signature?.status ?? null,
    eventKey: eventKey(record),
    duplicateOf: record.duplicateOf === undefined ? null : Number(record.duplicateOf),
    storedBytes: storedBytes(record, requestBody, responseBody),
    listing: JSON.stringify(listingJson(record)),
    details: JSON.stringify({
      target: record.target,
      remoteAddress: record.request.remoteAddress,
      protocol: record.request.protocol,
      host: record.request.host,
      ...(record.request.publicPath === undefined ? {} : { publicPath: record.request.publicPath }),
      statusText: record.response?.statusText ?? null,
      requestHeaders: record.request.headers,
      responseHeaders: record.response?.headers ?? null,
    } satisfies RecordDetails),
    requestEncoding: contentEncoding(record.request.headers),
    responseEncoding: record.response ? contentEncoding(record.response.headers) : null,
    requestBody,
    responseBody,
  };
}

/** The `listing` column as parsed: record-shaped (optional fields are absent, never undefined). */
type ListingJson = Omit<CaptureRecord, 'id' | 'request' | 'response' | 'target'> &
  Pick<CaptureListing, 'request' | 'response'>;

function parseListing(id: number, listing: string): ListingJson & { id: string } {
  return { id: String(id), ...(JSON.parse(listing) as ListingJson) };
}

/** A listing from its row (`id` is the row's). */
export function listingFromRow(id: number, listing: string): CaptureListing {
  return parseListing(id, listing);
}

const EMPTY = Buffer.alloc(0);

/** The whole record back from its row; `withBodies: false` leaves the bytes out (sizes and flags stay). */
export function recordFromRow(id: number, row: StoredRecordRow, withBodies = true): CaptureRecord {
  const { request, response, ...rest } = parseListing(id, row.listing);
  const head = JSON.parse(row.details) as RecordDetails;
  const bytes = (stored: Buffer | null) => (withBodies && stored ? stored : EMPTY);
  return {
    ...rest,
    target: head.target,
    request: {
      method: request.method,
      path: request.path,
      headers: head.requestHeaders,
      body: { bytes: bytes(row.requestBody), ...request.body },
      remoteAddress: head.remoteAddress,
      protocol: head.protocol,
      host: head.host,
      ...(head.publicPath === undefined ? {} : { publicPath: head.publicPath }),
    },
    response: response && {
      status: response.status,
      statusText: head.statusText ?? '',
      headers: head.responseHeaders ?? [],
      body: { bytes: bytes(row.responseBody), ...response.body },
    },
  };
}
