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
 * A request line or header that could not be sent is refused (`E_BAD_EDIT`,
 * naming the line), so nothing half-valid reaches the target.
 */
export function parseEditedRequest(text: string, original: CapturedRequest): RequestEdit {
  // Only the head is normalised: the body's own line endings are part of its bytes.
  const blank = /\r?\n\r?\n/.exec(text);
  const headText = (blank ? text.slice(0, blank.index) : text).replace(/\r?\n$/, '');
  const body = blank ? text.slice(blank.index + blank[0].length).replace(/\n$/, '') : '';
  const [requestLine = '', ...headerLines] = headText.split(/\r?\n/);
  const { method, path } = parseRequestLine(requestLine);
  const edit: RequestEdit = {};
  if (method !== original.method) edit.method = method;
  if (path !== original.path) edit.path = path;
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

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** What Node (and the wire) lets through unescaped: a path is printable, no spaces, at most U+00FF. */
const PATH_CHAR_OUTSIDE = /[^\x21-\x7e\x80-\xff]/;
/** Header value characters, as the protocol's HEADER_VALUE: tab, printable, obs-text. */
const VALUE_CHAR_OUTSIDE = /[^\t\x20-\x7e\x80-\xff]/;

function badEdit(line: number, problem: string): CaptureError {
  return new CaptureError('E_BAD_EDIT', `line ${line}: ${problem}; nothing was replayed`);
}

/** Shows the character that broke a rule, with its code point when it is not visible. */
function describeChar(char: string): string {
  const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return /[\x21-\x7e]/.test(char) ? `"${char}"` : code;
}

function parseRequestLine(line: string): { method: string; path: string } {
  const parts = line.trim().split(' ');
  if (parts.length !== 2 || !parts[0] || !parts[1])
    throw badEdit(1, `the first line must be "METHOD /path", not "${line}"`);
  const [method, path] = parts as [string, string];
  if (!TOKEN.test(method))
    throw badEdit(1, `"${method}" is not an HTTP method (letters, digits and !#$%&'*+-.^_\`|~ only)`);
  if (!path.startsWith('/')) throw badEdit(1, `the path must start with "/", not "${path}"`);
  const bad = PATH_CHAR_OUTSIDE.exec(path);
  if (bad) throw badEdit(1, `the path holds ${describeChar(bad[0])}, which must be percent-encoded`);
  return { method, path };
}

function parseHeaders(lines: readonly string[]): string[] {
  const headers: string[] = [];
  lines.forEach((line, index) => {
    const number = index + 2; // line 1 is the request line
    if (line.trim() === '') return;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!TOKEN.test(name)) throw badEdit(number, `not a header line: "${line}" (expected "Name: value")`);
    const value = line.slice(colon + 1).trim();
    const bad = VALUE_CHAR_OUTSIDE.exec(value);
    if (bad) throw badEdit(number, `the value of ${name} holds ${describeChar(bad[0])}, which a header cannot carry`);
    headers.push(name, value);
  });
  return headers;
}
