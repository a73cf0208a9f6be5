/** Pure display helpers for the page. */

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} K`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} M`;
}

export function formatClock(iso: string): string {
  return new Date(iso).toTimeString().slice(0, 8);
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function base64Bytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Hex shown for at most this many bytes: a 1 MiB body would be 4 MB of text. */
const MAX_HEX_BYTES = 64 * 1024;

/** `offset  16 hex bytes  ascii`, like `xxd`. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  const end = Math.min(bytes.length, MAX_HEX_BYTES);
  for (let offset = 0; offset < end; offset += 16) {
    const row = bytes.subarray(offset, Math.min(offset + 16, end));
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (bytes.length > end) lines.push(`… ${bytes.length - end} more bytes`);
  return lines.join('\n');
}

export function header(headers: Array<[string, string]>, name: string): string {
  return headers.find(([key]) => key.toLowerCase() === name)?.[1] ?? '';
}

/** Indent XML by its tags; text and attributes are left as they are. */
export function indentXml(text: string): string {
  let depth = 0;
  return text
    .replace(/>\s*</g, '>\n<')
    .split('\n')
    .map((line) => {
      if (/^<\//.test(line)) depth = Math.max(0, depth - 1);
      const out = `${'  '.repeat(depth)}${line}`;
      if (/^<[^!?/][^>]*[^/]>$/.test(line) && !/<\/[^>]+>$/.test(line)) depth += 1;
      return out;
    })
    .join('\n');
}

export interface PrettyBody {
  kind: 'json' | 'form' | 'xml' | 'multipart' | 'text';
  text: string;
}

/** Multipart parts as text: each part's headers, then its body (binary parts as a size). */
function multipartText(text: string, boundary: string): string | null {
  const parts = text.split(`--${boundary}`).slice(1);
  if (parts.length === 0) return null;
  return parts
    .filter((part) => !part.startsWith('--'))
    .map((part, index) => {
      const body = part.replace(/^\r?\n/, '').replace(/\r?\n$/, '');
      const split = body.search(/\r?\n\r?\n/);
      const head = split < 0 ? body : body.slice(0, split);
      const content = split < 0 ? '' : body.slice(split).replace(/^\r?\n\r?\n/, '');
      return `── part ${index + 1}\n${head}\n\n${content}`;
    })
    .join('\n\n');
}

/** The body as its Content-Type reads best, or as it is. */
export function prettyBody(text: string, contentType: string): PrettyBody {
  const type = contentType.toLowerCase();
  if (type.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2) };
    } catch {
      // Not JSON after all: shown as text.
    }
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    const fields = [...new URLSearchParams(text)].map(([name, value]) => `${name} = ${value}`);
    return { kind: 'form', text: fields.join('\n') };
  }
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (type.startsWith('multipart/') && boundary) {
    const parts = multipartText(text, boundary);
    if (parts !== null) return { kind: 'multipart', text: parts };
  }
  if (type.includes('xml') || /^\s*<\?xml/.test(text)) return { kind: 'xml', text: indentXml(text.trim()) };
  return { kind: 'text', text };
}
