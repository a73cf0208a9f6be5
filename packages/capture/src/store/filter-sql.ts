import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import type { Database } from 'better-sqlite3';
import { type FilterTerm, isStatusPattern } from '../filter.js';
import type { BodyFiles } from './body-files.js';
import type { RecordDetails } from './capture-row.js';

/** Only this much of each (decoded) body is searched: a filter must stay quick on 100 000 captures. */
const SEARCHED_BODY_BYTES = 256 * 1024;
/** A compressed body is inflated at most this far (and one that says it is bigger, not at all). */
const MAX_INFLATED_BYTES = 1024 * 1024;
/**
 * Bytes one query may inflate in all. Queries run on the thread that forwards
 * requests: a history full of compressed bodies (or of compression bombs a sender
 * made on purpose) must not hold it for seconds. Past the budget, encoded bodies
 * are searched as they are.
 */
const QUERY_INFLATE_BUDGET = 64 * 1024 * 1024;

const text = new TextDecoder('utf-8');
let budget = Number.POSITIVE_INFINITY;

/** Run one query with its inflate budget. */
export function withInflateBudget<T>(run: () => T): T {
  budget = QUERY_INFLATE_BUDGET;
  try {
    return run();
  } finally {
    budget = Number.POSITIVE_INFINITY;
  }
}

/** gzip says how long it inflates to (mod 2^32) in its last four bytes: a bomb is known before any work. */
function gzipTooBig(body: Buffer): boolean {
  return body.length >= 18 && body.readUInt32LE(body.length - 4) > MAX_INFLATED_BYTES;
}

function inflate(body: Buffer, encoding: string): Buffer | null {
  const options = { maxOutputLength: MAX_INFLATED_BYTES };
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return gzipTooBig(body) ? null : gunzipSync(body, options);
    case 'br':
      return brotliDecompressSync(body, options);
    case 'deflate':
      // "deflate" is zlib-wrapped per the RFC, raw in some servers: accept both.
      try {
        return inflateSync(body, options);
      } catch {
        return inflateRawSync(body, options);
      }
    default:
      return body;
  }
}

function decoded(body: Buffer, encoding: string | null): Buffer {
  if (encoding === null || budget <= 0) return body;
  try {
    const out = inflate(body, encoding);
    if (out === null) return body;
    budget -= out.length;
    return out;
  } catch {
    // Not what it claims, or past the bound: search the bytes as they are.
    budget -= MAX_INFLATED_BYTES;
    return body;
  }
}

/** A body as searched: decoded (within the bounds above), its first 256 KiB as text, lower-cased. */
function searchableBody(body: Buffer | null, encoding: string | null): string {
  if (!body || body.length === 0) return '';
  return text.decode(decoded(body, encoding).subarray(0, SEARCHED_BODY_BYTES)).toLowerCase();
}

/** Request and response headers (from the `details` JSON) as `name: value` lines, lower-cased. */
function searchableHeaders(details: string): string {
  const { requestHeaders, responseHeaders } = JSON.parse(details) as Pick<
    RecordDetails,
    'requestHeaders' | 'responseHeaders'
  >;
  const all = [...requestHeaders, ...(responseHeaders ?? [])];
  const lines: string[] = [];
  for (let i = 0; i + 1 < all.length; i += 2) lines.push(`${all[i]}: ${all[i + 1]}`);
  return lines.join('\n').toLowerCase();
}

/**
 * The SQL functions filters use; register once per connection that runs `filterSql`.
 * `hl_body(blob, encoding, id, fileBit)`: a body kept as a file (`fileBit` set) is
 * read from `files`.
 */
export function registerSearchFunctions(db: Database, files: BodyFiles | null): void {
  db.function('hl_body', { deterministic: true }, (body: unknown, encoding: unknown, id: unknown, bit: unknown) => {
    const stored = bit && files ? files.read(Number(id), Number(bit) as 1 | 2) : (body as Buffer | null);
    return searchableBody(stored, encoding as string | null);
  });
  db.function('hl_headers', { deterministic: true }, (details: unknown) => searchableHeaders(details as string));
}

export interface SqlCondition {
  where: string;
  params: unknown[];
}

function statusSql(value: string, params: unknown[]): string {
  if (value === 'error') return 'error_code IS NOT NULL';
  if (value.endsWith('xx')) {
    const floor = Number(value[0]) * 100;
    params.push(floor, floor + 99);
    return 'status BETWEEN ? AND ?';
  }
  params.push(Number(value));
  return 'status = ?';
}

const BODY_SQL =
  '(instr(hl_body(request_body, request_encoding, d.id, body_files & 1), ?) > 0 OR ' +
  'instr(hl_body(response_body, response_encoding, d.id, body_files & 2), ?) > 0)';
const HEADER_SQL = 'instr(hl_headers(details), ?) > 0';
const PATH_SQL = 'instr(lower(path), ?) > 0';

function termSql(term: FilterTerm, params: unknown[]): string | null {
  const { value } = term;
  switch (term.key) {
    case 'method':
      params.push(value);
      return 'lower(method) = ?';
    case 'status':
      return statusSql(value, params);
    case 'path':
      params.push(value);
      return PATH_SQL;
    case 'header':
      params.push(value);
      return HEADER_SQL;
    case 'body':
      params.push(value, value);
      return BODY_SQL;
    case 'origin':
      params.push(value);
      return 'origin = ?';
    case 'sig':
      if (value === 'unsigned') return 'sig_status IS NULL';
      params.push(value);
      return 'sig_status = ?';
    case 'tunnel':
      if (value === '*') return null;
      params.push(value);
      return 'tunnel = ?';
    case 'any': {
      // Cheap columns first: SQLite stops at the first OR branch that matches.
      const parts = [`lower(method) = ?`];
      params.push(value);
      if (isStatusPattern(value)) parts.push(statusSql(value, params));
      params.push(value, value, value, value);
      parts.push(PATH_SQL, HEADER_SQL, BODY_SQL);
      return `(${parts.join(' OR ')})`;
    }
  }
}

/** A WHERE clause for parsed terms (`1` when there are none). Every term must match. */
export function filterSql(terms: readonly FilterTerm[]): SqlCondition {
  const params: unknown[] = [];
  const parts: string[] = [];
  for (const term of terms) {
    const sql = termSql(term, params);
    if (sql !== null) parts.push(sql);
  }
  return { where: parts.length === 0 ? '1' : parts.join(' AND '), params };
}
