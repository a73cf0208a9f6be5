import type { Line, Segment } from './segments.js';

const TOKEN = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b/g;

/** Colour one line of pretty-printed JSON: keys cyan, strings green, numbers yellow, literals magenta. */
function highlightLine(text: string): Line {
  const line: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const index = match.index ?? 0;
    if (index > last) line.push({ text: text.slice(last, index) });
    if (match[1] !== undefined) {
      line.push({ text: match[1], color: match[2] === undefined ? 'green' : 'cyan' });
      if (match[2] !== undefined) line.push({ text: match[2] });
    } else if (match[3] !== undefined) {
      line.push({ text: match[3], color: 'yellow' });
    } else {
      line.push({ text: match[4] ?? '', color: 'magenta' });
    }
    last = index + match[0].length;
  }
  if (last < text.length) line.push({ text: text.slice(last) });
  return line;
}

/** Pretty-print and highlight JSON text; null when it is not JSON. */
export function highlightJson(text: string): Line[] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return JSON.stringify(value, null, 2).split('\n').map(highlightLine);
}
