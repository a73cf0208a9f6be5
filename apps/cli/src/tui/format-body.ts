import { bodyText } from '@hookline/capture';
import { formatSize } from '../format.js';
import { decodeContent } from '../inspector/content-decoding.js';
import { hexDump } from './hex-dump.js';
import { highlightJson } from './highlight-json.js';
import { indentXml } from './indent-xml.js';
import { multipartBoundary, parseMultipart } from './multipart.js';
import type { Line } from './segments.js';

function formFields(text: string): Line[] {
  return [...new URLSearchParams(text)].map(([name, value]) => [
    { text: name, color: 'cyan' },
    { text: ' = ' },
    { text: value, color: 'green' },
  ]);
}

function textLines(text: string): Line[] {
  return text.split(/\r?\n/).map((line) => [{ text: line.replace(/\t/g, '  ') }]);
}

/** Multipart inside multipart is shown to this depth; deeper parts are shown like any other body. */
const MAX_MULTIPART_DEPTH = 3;

/**
 * Each part under its own rule: its header lines, then its bytes shown by its own
 * Content-Type (text, JSON…, or hex for a binary file). Null when the body holds
 * no boundary: it is then shown like any other body.
 */
function multipartLines(bytes: Buffer, boundary: string, depth: number): Line[] | null {
  const body = parseMultipart(bytes, boundary);
  if (!body || body.parts.length === 0) return null;
  const lines: Line[] = [];
  body.parts.forEach((part, index) => {
    const type = part.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
    if (index > 0) lines.push([]);
    lines.push([
      { text: `┄ part ${index + 1} of ${body.parts.length} (${formatSize(part.body.length)})`, color: 'magenta' },
    ]);
    for (const [name, value] of part.headers) lines.push([{ text: `${name}: `, color: 'cyan' }, { text: value }]);
    lines.push([]);
    lines.push(...(part.body.length === 0 ? [[{ text: '(empty)', dim: true }]] : content(part.body, type, depth + 1)));
  });
  if (!body.complete) lines.push([], [{ text: '(no closing boundary: the body ends inside a part)', color: 'yellow' }]);
  return lines;
}

/** Lines for the body's content: multipart parts, JSON, form fields, XML, text, or a hex dump. */
function content(bytes: Buffer, contentType: string, depth = 0): Line[] {
  const boundary = depth < MAX_MULTIPART_DEPTH ? multipartBoundary(contentType) : null;
  const parts = boundary === null ? null : multipartLines(bytes, boundary, depth);
  if (parts) return parts;
  const text = bodyText(bytes);
  if (text === null) return hexDump(bytes);
  const type = contentType.toLowerCase();
  const trimmed = text.trimStart();
  if (type.includes('json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const json = highlightJson(text);
    if (json) return json;
  }
  if (type.includes('x-www-form-urlencoded')) return formFields(text);
  if (type.includes('xml') || trimmed.startsWith('<?xml')) return indentXml(text);
  return textLines(text);
}

export interface BodyView {
  bytes: Buffer;
  size: number;
  truncated: boolean;
  contentType: string;
  contentEncoding: string;
}

/**
 * A body for the detail view: decompressed when `Content-Encoding` says so, then
 * shown by content (multipart as its parts, JSON pretty-printed and highlighted,
 * form fields decoded, XML indented, binary as hex), with a note on compression
 * and truncation.
 */
export function formatBody(body: BodyView): Line[] {
  if (body.size === 0) return [[{ text: '(no body)', dim: true }]];
  const notes: Line[] = [];
  if (body.truncated) {
    notes.push([
      {
        text: `(truncated in the capture: ${formatSize(body.bytes.length)} of ${formatSize(body.size)} kept)`,
        color: 'yellow',
      },
    ]);
  }
  const encoding = body.contentEncoding.trim().toLowerCase();
  let bytes = body.bytes;
  if (encoding && encoding !== 'identity') {
    const decoded = decodeContent(bytes, encoding);
    if (decoded) {
      notes.push([{ text: `(${encoding}: ${formatSize(bytes.length)} → ${formatSize(decoded.length)})`, dim: true }]);
      bytes = decoded;
    } else {
      notes.push([{ text: `(${encoding} body could not be decoded; raw bytes below)`, color: 'yellow' }]);
    }
  }
  return [...notes, ...content(bytes, body.contentType)];
}
