import type { Line } from './segments.js';

/**
 * Indent XML for reading: one tag or text run per line, two spaces per level.
 * A tokenizer, not a parser: malformed XML still comes out readable.
 */
export function indentXml(text: string): Line[] {
  const lines: Line[] = [];
  let depth = 0;
  for (const match of text.matchAll(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<[^>]*>|[^<]+/g)) {
    const token = match[0];
    if (!token.startsWith('<')) {
      const content = token.trim();
      if (content) lines.push([{ text: '  '.repeat(depth) }, { text: content }]);
      continue;
    }
    const closing = token.startsWith('</');
    const opening = !closing && !token.endsWith('/>') && !/^<[?!]/.test(token);
    if (closing) depth = Math.max(0, depth - 1);
    lines.push([{ text: '  '.repeat(depth) }, { text: token, color: token.startsWith('<!--') ? 'gray' : 'cyan' }]);
    if (opening) depth += 1;
  }
  return lines;
}
