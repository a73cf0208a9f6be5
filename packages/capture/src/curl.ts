import { stripHopByHop } from '@hookline/protocol';
import { bodyBytes } from './body.js';
import { bodyText } from './text-body.js';
import type { CaptureRecord } from './types.js';

/** POSIX shell single-quoting. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A `printf` format that writes exactly these bytes (octal escapes, NUL included). */
function printfBytes(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9 _.,:;/=+-]/.test(char) ? char : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `'${out}'`;
}

/**
 * A shell command that sends the captured request again with curl. A text body is
 * passed with `--data-raw`; a binary one is piped in from `printf` so every byte,
 * NUL included, survives (`$'…'` strings cannot hold NUL).
 *
 * @example
 * toCurl(record, 'http://localhost:3000');
 * // curl -X PUT 'http://localhost:3000/hook' -H 'Content-Type: text/plain' --data-raw 'hi'
 */
export function toCurl(record: CaptureRecord, target: string = record.target): string {
  const { request } = record;
  const url = new URL(request.path, target).href;
  const bytes = bodyBytes(request.body);
  const hasBody = bytes.length > 0;
  const text = hasBody ? bodyText(bytes) : '';
  const parts = ['curl'];
  const implied = hasBody ? 'POST' : 'GET';
  if (request.method !== implied) parts.push('-X', request.method);
  parts.push(shellQuote(url));
  const headers = stripHopByHop(request.headers);
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = headers[i] as string;
    // curl computes the length of what it sends.
    if (name.toLowerCase() === 'content-length') continue;
    parts.push('-H', shellQuote(`${name}: ${headers[i + 1]}`));
  }
  if (hasBody && text !== null) parts.push('--data-raw', shellQuote(text));
  if (hasBody && text === null) parts.push('--data-binary', '@-');
  const command = parts.join(' ');
  return hasBody && text === null ? `printf ${printfBytes(bytes)} | ${command}` : command;
}
