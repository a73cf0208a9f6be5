import { bodyBytes } from './body.js';
import { CaptureError } from './errors.js';
import type { RequestEdit } from './replay.js';
import { bodyText } from './text-body.js';
import type { CapturedRequest } from './types.js';

const BINARY_NOTE = /^\[binary body: \d+ bytes; sent unchanged unless you replace this line\]$/;

function headerBlock(headers: readonly string[]): string {
  const lines: string[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) lines.push(`${headers[i]}: ${headers[i + 1]}`);
  return lines.join('\n');
}

function bodyForEditing(request: CapturedRequest): string {
  const bytes = bodyBytes(request.body);
  return bodyText(bytes) ?? `[binary body: ${bytes.length} bytes; sent unchanged unless you replace this line]`;
}

/**
 * The request as a text file for `$EDITOR`: request line, headers, a blank line,
 * the body (a placeholder line for a binary body). Ends with a newline, which
 * editors add anyway.
 */
export function renderEditableRequest(request: CapturedRequest): string {
  const head = headerBlock(request.headers);
  return `${request.method} ${request.path}\n${head}${head ? '\n' : ''}\n${bodyForEditing(request)}\n`;
}

/**
 * Compare an edited file with the capture and return only what changed, so
 * every untouched part (headers as a block, the body) is replayed byte-exact.
 */
export function parseEditedRequest(text: string, original: CapturedRequest): RequestEdit {
  // Only the head is normalised: the body's own line endings are part of its bytes.
  const blank = /\r?\n\r?\n/.exec(text);
  const headText = (blank ? text.slice(0, blank.index) : text).replace(/\r?\n$/, '');
  const body = blank ? text.slice(blank.index + blank[0].length).replace(/\n$/, '') : '';
  const [requestLine = '', ...headerLines] = headText.split(/\r?\n/);
  const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+)$/.exec(requestLine.trim());
  if (!match) throw new CaptureError('E_BAD_EDIT', `the first line must be "METHOD /path", not "${requestLine}"`);
  const edit: RequestEdit = {};
  if (match[1] !== original.method) edit.method = match[1] as string;
  if (match[2] !== original.path) edit.path = match[2] as string;
  if (headerLines.join('\n') !== headerBlock(original.headers)) edit.headers = parseHeaders(headerLines);
  const originalBody = bodyForEditing(original);
  // An editor may drop the final newline of the file; that is not an edit of the body.
  const unchanged = body === originalBody || `${body}\n` === originalBody || isBinaryNote(body);
  if (!unchanged) edit.body = Buffer.from(body, 'utf8');
  return edit;
}

function isBinaryNote(text: string): boolean {
  return BINARY_NOTE.test(text);
}

function parseHeaders(lines: readonly string[]): string[] {
  const headers: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new CaptureError('E_BAD_EDIT', `not a header line: "${line}" (expected "Name: value")`);
    }
    headers.push(name, line.slice(colon + 1).trim());
  }
  return headers;
}
