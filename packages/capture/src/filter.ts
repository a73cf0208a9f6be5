import { bodyBytes } from './body.js';
import { bodyText } from './text-body.js';
import type { CapturedBody, CaptureRecord } from './types.js';

/** A compiled filter: true when the record matches every term. */
export type CaptureFilter = (record: CaptureRecord) => boolean;

type Field = 'method' | 'status' | 'path' | 'header' | 'body' | 'origin' | 'any';
const FIELDS = new Set<string>(['method', 'status', 'path', 'header', 'body', 'origin']);

/** Only this much of each body is searched: filtering must stay quick on 10 000 captures. */
const SEARCHED_BODY_BYTES = 256 * 1024;

const headerCache = new WeakMap<CaptureRecord, string>();
const bodyCache = new WeakMap<CaptureRecord, string>();

function headerText(record: CaptureRecord): string {
  let text = headerCache.get(record);
  if (text === undefined) {
    const all = [...record.request.headers, ...(record.response?.headers ?? [])];
    const lines: string[] = [];
    for (let i = 0; i + 1 < all.length; i += 2) lines.push(`${all[i]}: ${all[i + 1]}`);
    text = lines.join('\n').toLowerCase();
    headerCache.set(record, text);
  }
  return text;
}

function searchable(body: CapturedBody | undefined): string {
  if (!body || body.data.length === 0) return '';
  return (bodyText(bodyBytes(body).subarray(0, SEARCHED_BODY_BYTES)) ?? '').toLowerCase();
}

function bodySearchText(record: CaptureRecord): string {
  let text = bodyCache.get(record);
  if (text === undefined) {
    text = `${searchable(record.request.body)}\n${searchable(record.response?.body)}`;
    bodyCache.set(record, text);
  }
  return text;
}

function statusMatches(record: CaptureRecord, pattern: string): boolean {
  if (pattern === 'error') return record.error !== null;
  const status = record.response?.status;
  if (status === undefined) return false;
  if (/^\d{3}$/.test(pattern)) return status === Number(pattern);
  if (/^\dxx$/.test(pattern)) return Math.floor(status / 100) === Number(pattern[0]);
  return false;
}

function termMatches(record: CaptureRecord, field: Field, value: string): boolean {
  switch (field) {
    case 'method':
      return record.request.method.toLowerCase() === value;
    case 'status':
      return statusMatches(record, value);
    case 'path':
      return record.request.path.toLowerCase().includes(value);
    case 'header':
      return headerText(record).includes(value);
    case 'body':
      return bodySearchText(record).includes(value);
    case 'origin':
      return record.origin === value;
    case 'any':
      return (
        record.request.method.toLowerCase() === value ||
        statusMatches(record, value) ||
        record.request.path.toLowerCase().includes(value) ||
        headerText(record).includes(value) ||
        bodySearchText(record).includes(value)
      );
  }
}

/**
 * Compile a filter query: whitespace-separated terms, all of which must match.
 * A term is `field:value` (`method:post`, `status:404`, `status:5xx`,
 * `status:error`, `path:/hooks`, `header:stripe-signature`, `body:invoice`,
 * `origin:replay`) or bare text matching the method, status, path, a header or a
 * body. Matching is case-insensitive; `"quoted text"` keeps its spaces.
 */
export function compileFilter(query: string): CaptureFilter {
  const terms: Array<{ field: Field; value: string }> = [];
  for (const match of query.matchAll(/(?:(\w+):)?(?:"([^"]*)"|(\S+))/g)) {
    const prefix = match[1]?.toLowerCase();
    const value = (match[2] ?? match[3] ?? '').toLowerCase();
    if (prefix !== undefined && FIELDS.has(prefix)) terms.push({ field: prefix as Field, value });
    else terms.push({ field: 'any', value: (prefix === undefined ? '' : `${prefix}:`) + value });
  }
  if (terms.length === 0) return () => true;
  return (record) => terms.every((term) => termMatches(record, term.field, term.value));
}
