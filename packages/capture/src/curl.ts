import { getRawHeader, stripHopByHop } from '@hookline/protocol';
import { bodyBytes } from './body.js';
import { bodyText } from './text-body.js';
import { refuseTruncated } from './truncated.js';
import type { CaptureRecord } from './types.js';

/** POSIX shell single-quoting. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Quoted only when it has to be, so the common command stays plain (`-X PUT`). */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_-]+$/.test(text) ? text : shellQuote(text);
}

/**
 * Text up to this size goes inline (`--data-raw '…'`), readable and editable. Linux
 * caps one argument at 128 KiB (MAX_ARG_STRLEN): past it the shell fails with
 * "Argument list too long", so larger bodies never go in argv.
 */
const INLINE_TEXT_BYTES = 16 * 1024;

/**
 * The here-doc delimiter. `_` is not in the base64 alphabet, so no line of the
 * encoded body can ever end the here-doc early.
 */
const HEREDOC_END = 'HOOKLINE_BODY';

/** Headers curl adds of its own accord; `-H 'Name:'` stops it when the capture had none. */
const CURL_ADDS = ['User-Agent', 'Accept'];
/** …and these when it sends a body (`Expect: 100-continue` above 1 MiB). */
const CURL_ADDS_WITH_BODY = ['Content-Type', 'Expect'];

/**
 * Inline only text a shell and a terminal paste carry unchanged: no CR (a paste
 * may turn it into a line break), well under the argument limit.
 */
function inlineText(bytes: Buffer): string | null {
  if (bytes.length > INLINE_TEXT_BYTES) return null;
  const text = bodyText(bytes);
  return text === null || text.includes('\r') ? null : text;
}

/** `-H` arguments: the captured headers as sent, then the defaults curl must not add. */
function headerArgs(raw: readonly string[], hasBody: boolean): string[] {
  const headers = stripHopByHop(raw);
  const args: string[] = [];
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i] as string;
    const value = headers[i + 1] as string;
    // curl computes the length of what it sends.
    if (name.toLowerCase() === 'content-length') continue;
    // `Name:` would make curl drop the header; `Name;` is how curl sends it empty.
    args.push('-H', shellQuote(value === '' ? `${name};` : `${name}: ${value}`));
  }
  for (const name of hasBody ? [...CURL_ADDS, ...CURL_ADDS_WITH_BODY] : CURL_ADDS) {
    if (getRawHeader(headers, name) === undefined) args.push('-H', shellQuote(`${name}:`));
  }
  return args;
}

/** Options that stop curl rewriting the URL: `[]{}` globbing, `/./` and `/../` squashing. */
function urlArgs(path: string): string[] {
  const args: string[] = [];
  if (/[[\]{}]/.test(path)) args.push('--globoff');
  if (/\/\.\.?(?:[/?#]|$)/.test(path)) args.push('--path-as-is');
  return args;
}

/** The body base64-encoded in 76-column lines (as `base64` itself writes them). */
function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\n');
}

/**
 * A shell command (sh, bash, zsh) that sends the captured request again with curl,
 * byte-exact: method, path as captured, headers in order with repeats, and the body.
 *
 * Small printable text goes inline with `--data-raw`. Any other body (binary,
 * multipart with CRLF, gzip, anything over 16 KiB) is base64 in a quoted here-doc
 * piped to `base64 -d | curl --data-binary @-`: a here-doc is shell input, not an
 * argument, so it has no size limit; quoting it means no expansion; base64 carries
 * NUL and any other byte, and survives a copy-paste through a terminal. `@-` makes
 * curl read it all and send it with a Content-Length. (A `--data-binary @file`
 * would need a file beside the command; `printf` has the argument limit and reads
 * a body that starts with `-`, like every multipart one, as an option.)
 *
 * @throws CaptureError `E_CAPTURE_TRUNCATED` when only part of the body was kept.
 * @example
 * toCurl(record, 'http://localhost:3000');
 * // curl -X PUT 'http://localhost:3000/hook' -H 'Content-Type: text/plain' … --data-raw 'hi'
 */
export function toCurl(record: CaptureRecord, target: string = record.target): string {
  refuseTruncated(record, 'it cannot be exported as a byte-exact curl command');
  const { request } = record;
  // Joined, not resolved: `new URL()` would re-encode the path or read `//x` as a host.
  const url = `${new URL(target).origin}${request.path}`;
  const bytes = bodyBytes(request.body);
  const hasBody = bytes.length > 0;
  const parts = ['curl'];
  // `-X HEAD` would make curl wait for a body that never comes.
  if (request.method === 'HEAD' && !hasBody) parts.push('--head');
  else if (request.method !== (hasBody ? 'POST' : 'GET')) parts.push('-X', shellWord(request.method));
  parts.push(...urlArgs(request.path), shellQuote(url), ...headerArgs(request.headers, hasBody));
  if (!hasBody) return parts.join(' ');
  const text = inlineText(bytes);
  if (text !== null) return [...parts, '--data-raw', shellQuote(text)].join(' ');
  parts.push('--data-binary', '@-');
  return `base64 -d <<'${HEREDOC_END}' | ${parts.join(' ')}\n${base64Lines(bytes)}\n${HEREDOC_END}`;
}
