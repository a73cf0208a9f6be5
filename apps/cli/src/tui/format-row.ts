import type { CaptureListing } from '@hookline/capture';
import { ERROR_STATUS, isErrorCode } from '@hookline/protocol';
import { formatClock, formatDuration } from '../format.js';
import { signatureMark } from '../inspector/capture-summary.js';
import { fitTo } from '../text-width.js';
import type { Color } from './segments.js';

/** What a list row reads: a capture's listing (no headers, no body bytes). */
export type RowRecord = Pick<
  CaptureListing,
  | 'id'
  | 'origin'
  | 'startedAt'
  | 'timings'
  | 'error'
  | 'signature'
  | 'duplicateOf'
  | 'request'
  | 'response'
  | 'late'
  | 'route'
>;

/** Short labels for exchanges that got no (whole) response, shown where the response size would be. */
const ERROR_LABELS: Record<string, string> = {
  E_LOCAL_REFUSED: 'refused',
  E_LOCAL_TIMEOUT: 'timeout',
  E_LOCAL_ERROR: 'error',
  E_TUNNEL_CLOSED: 'closed',
  E_CANCELLED: 'cancel',
};

/**
 * The status the public caller got: the local server's, or for an exchange with
 * no response the one hookline answered with for its error code (502 for
 * E_LOCAL_REFUSED, 504 for E_LOCAL_TIMEOUT…); null when neither is known.
 */
export function callerStatus(record: Pick<RowRecord, 'response' | 'error'>): number | null {
  if (record.response) return record.response.status;
  const code = record.error?.code;
  return isErrorCode(code) ? ERROR_STATUS[code] : null;
}

/** Green 2xx, cyan 3xx, yellow 4xx, red 5xx and failures. */
export function statusColor(record: Pick<RowRecord, 'response' | 'error'>): Color {
  const status = record.response?.status;
  if (record.error || status === undefined) return 'red';
  if (status >= 500) return 'red';
  if (status >= 400) return 'yellow';
  if (status >= 300) return 'cyan';
  return 'green';
}

/** The STATUS column: the caller's status, or `error` when not even that is known. */
export function statusLabel(record: Pick<RowRecord, 'response' | 'error'>): string {
  return String(callerStatus(record) ?? 'error');
}

/** `17 B`, `1.2 K`, `340 K`, `1.5 M`: at most 5 columns, so two fit in the SIZE column. */
export function shortSize(bytes: number): string {
  const units = ['B', 'K', 'M', 'G'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text = unit === 0 || value >= 10 ? String(Math.round(value)) : value.toFixed(1);
  return `${text} ${units[unit]}`;
}

/** The SIZE column: request body → response body, or → the error label when there was no (whole) response. */
export function sizeLabel(record: RowRecord): string {
  const response = record.error
    ? (ERROR_LABELS[record.error.code] ?? 'error')
    : shortSize(record.response?.body.size ?? 0);
  return `${shortSize(record.request.body.size)} → ${response}`;
}

/** Widths of the fixed columns; the id column fits the longest id shown, the path takes what is left. */
const TIME = 8;
const METHOD = 7;
/** ✓, ✗, `stale` or `?` (signed, but no secret). */
const SIG = 5;
const STATUS = 6;
const DURATION = 8;
/** `999 K → refused`. */
const SIZE = 15;
/** Cursor mark, origin mark, the separating spaces and every fixed column but the id. */
const FIXED = 1 + TIME + METHOD + SIG + STATUS + DURATION + SIZE + 1 + 8;

const pathWidth = (width: number, idWidth: number) => Math.max(8, width - FIXED - idWidth);

/** Width of the ID column for these rows: the longest id, at least 2. */
export function idWidth(records: readonly Pick<RowRecord, 'id'>[]): number {
  return Math.max(2, ...records.map((record) => record.id.length));
}

/** Replay ↻, queued Q, handshake H (answered by the relay), or ≡ for a provider resend of an event seen before. */
function mark(record: RowRecord): string {
  if (record.origin === 'replay') return '↻';
  if (record.origin === 'handshake') return 'H';
  if (record.origin === 'queued') return 'Q';
  if (record.duplicateOf !== undefined) return '≡';
  return ' ';
}

/** Green ✓, red ✗, yellow stale, grey ? (no secret). */
export function signatureColor(record: Pick<RowRecord, 'signature'>): Color {
  switch (record.signature?.status) {
    case 'valid':
      return 'green';
    case 'invalid':
      return 'red';
    case 'stale':
      return 'yellow';
    default:
      return 'gray';
  }
}

/**
 * The SIG column's colour: a late queued delivery shows how it went out (green
 * re-signed, yellow not: the app may reject it), anything else its verdict.
 */
export function sigColumnColor(record: Pick<RowRecord, 'signature' | 'late'>): Color {
  if (record.late) return record.late.resigned ? 'green' : 'yellow';
  return signatureColor(record);
}

/** `late✓` re-signed, `late!` delivered late as it came; else the verdict's mark. */
function sigColumn(record: RowRecord): string {
  if (record.late) return record.late.resigned ? 'late✓' : 'late!';
  return signatureMark(record.signature);
}

/** The column header line of the list, for a terminal `width` wide (after the cursor column). */
export function listHeader(width: number, ids = 2): string {
  const path = pathWidth(width, ids);
  return ` ${'ID'.padStart(ids)} ${fitTo('TIME', TIME)} ${fitTo('METHOD', METHOD)}  ${fitTo('PATH', path)} ${fitTo('SIG', SIG)} ${fitTo('STATUS', STATUS)} ${'DURATION'.padStart(DURATION)} ${'SIZE req → res'.padStart(SIZE)}`;
}

/** One list row in parts, so the signature mark and the status can have their own colours. */
export interface RowParts {
  left: string;
  signature: string;
  status: string;
  right: string;
}

/** Rows at least this wide show a routed exchange's target after its path (narrower: the detail does). */
export const ROUTE_IN_ROW_WIDTH = 100;

/** `localhost:4000/hooks`: where a route sent it, short. */
export function shortTarget(target: string): string {
  if (!URL.canParse(target)) return target;
  const url = new URL(target);
  return `${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** The PATH column: the path, and `→ <target>` for an exchange a route sent elsewhere. */
function pathText(record: RowRecord, width: number): string {
  if (!record.route || width < ROUTE_IN_ROW_WIDTH) return record.request.path;
  return `${record.request.path} → ${shortTarget(record.route.target)}`;
}

/** One list row: id, time, method, mark, path | signature | status | duration, request → response size. */
export function formatRow(record: RowRecord, width: number, ids = 2): RowParts {
  const path = pathWidth(width, ids);
  return {
    left: `${record.id.padStart(ids)} ${formatClock(record.startedAt)} ${fitTo(record.request.method, METHOD)} ${mark(record)}${fitTo(pathText(record, width), path)} `,
    signature: `${fitTo(sigColumn(record), SIG)} `,
    status: fitTo(statusLabel(record), STATUS),
    right: ` ${formatDuration(record.timings.totalMs).padStart(DURATION)} ${sizeLabel(record).padStart(SIZE)}`,
  };
}
