import type { Line } from './segments.js';

/** Bytes shown at most: enough to recognise a format, small enough to scroll. */
const HEX_DUMP_LIMIT = 4096;

/** `00000000  1f 8b 08 00 …  |........|`, 16 bytes a line (78 columns). */
export function hexDump(bytes: Uint8Array, limit = HEX_DUMP_LIMIT): Line[] {
  const lines: Line[] = [];
  const shown = Math.min(bytes.length, limit);
  for (let offset = 0; offset < shown; offset += 16) {
    const row = bytes.subarray(offset, Math.min(offset + 16, shown));
    const hex = [...row].map((byte) => byte.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = [...row].map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
    lines.push([
      { text: offset.toString(16).padStart(8, '0'), color: 'gray' },
      { text: `  ${left.padEnd(23)}  ${right.padEnd(23)}  ` },
      { text: `|${ascii}|`, color: 'gray' },
    ]);
  }
  if (bytes.length > shown) lines.push([{ text: `… ${bytes.length - shown} more bytes`, dim: true }]);
  return lines;
}
