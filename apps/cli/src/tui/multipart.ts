/**
 * Splits a captured multipart body (RFC 2046) into its parts, for display only.
 * Written here rather than taken from busboy or similar: those are streaming
 * form decoders that hand out field values and file streams, while the detail
 * view wants each part's raw header lines and exact bytes, from a body that may
 * be truncated (captures keep 1 MiB). ~50 lines, pure, and any input gives a
 * result or null, never a throw (multipart.test.ts checks that over random bytes).
 */

export interface MultipartPart {
  /** Header lines as sent, `[name, value]`. */
  headers: Array<[string, string]>;
  body: Buffer;
}

export interface MultipartBody {
  parts: MultipartPart[];
  /** False when the closing `--boundary--` never came (a truncated capture, or a broken sender). */
  complete: boolean;
}

/** The `boundary` parameter of a `multipart/*` Content-Type, quoted or not; null otherwise. */
export function multipartBoundary(contentType: string): string | null {
  if (!/^\s*multipart\//i.test(contentType)) return null;
  const match = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2] ?? null;
}

function splitHeaders(part: Buffer): MultipartPart {
  // A part with no headers starts with its blank line at once.
  if (part[0] === 0x0a) return { headers: [], body: part.subarray(1) };
  if (part[0] === 0x0d && part[1] === 0x0a) return { headers: [], body: part.subarray(2) };
  let end = part.indexOf('\r\n\r\n');
  let skip = 4;
  if (end < 0) {
    end = part.indexOf('\n\n');
    skip = 2;
  }
  if (end < 0) return { headers: [], body: part };
  const headers = part
    .subarray(0, end)
    .toString('latin1')
    .split(/\r?\n/)
    .filter((line) => line.length > 0)
    .map((line): [string, string] => {
      const colon = line.indexOf(':');
      return colon < 0 ? [line, ''] : [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
    });
  return { headers, body: part.subarray(end + skip) };
}

/** The parts between the boundaries; null when the body holds no opening boundary at all. */
export function parseMultipart(bytes: Buffer, boundary: string): MultipartBody | null {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const next = Buffer.from(`\n--${boundary}`, 'latin1');
  let at = bytes.subarray(0, delimiter.length).equals(delimiter) ? 0 : bytes.indexOf(next);
  if (at < 0) return null;
  if (at > 0) at += 1;
  const parts: MultipartPart[] = [];
  for (;;) {
    const after = at + delimiter.length;
    if (bytes.subarray(after, after + 2).toString('latin1') === '--') return { parts, complete: true };
    const lineEnd = bytes.indexOf('\n', after);
    if (lineEnd < 0) return { parts, complete: false };
    const found = bytes.indexOf(next, lineEnd);
    const end = found < 0 ? bytes.length : found > 0 && bytes[found - 1] === 0x0d ? found - 1 : found;
    parts.push(splitHeaders(bytes.subarray(lineEnd + 1, Math.max(lineEnd + 1, end))));
    if (found < 0) return { parts, complete: false };
    at = found + 1;
  }
}
