import stringWidth from 'string-width';

/**
 * Text measured in terminal columns, not UTF-16 units: an emoji is one character
 * of two units and two columns, a CJK character one unit and two columns, a
 * combining accent one unit and no column. `String.length` got all three wrong
 * (emoji cut in half into U+FFFD, CJK rows pushed past the screen's edge).
 */

const segmenter = new Intl.Segmenter();
/** Printable ASCII: one unit, one column each, so `length` and `slice` are exact (the fast path). */
const ASCII = /^[\x20-\x7e]*$/;

/** Columns `text` takes on a terminal. */
export function textWidth(text: string): number {
  return ASCII.test(text) ? text.length : stringWidth(text);
}

/** The user-perceived characters of `text` (grapheme clusters), with the columns of each. */
export function* columnsOf(text: string): Generator<{ text: string; width: number }> {
  for (const { segment } of segmenter.segment(text)) yield { text: segment, width: stringWidth(segment) };
}

/** The longest start of `text` that fits in `width` columns, whole characters only. */
export function cutToWidth(text: string, width: number): string {
  if (ASCII.test(text)) return text.slice(0, Math.max(0, width));
  let used = 0;
  let end = 0;
  for (const character of columnsOf(text)) {
    if (used + character.width > width) break;
    used += character.width;
    end += character.text.length;
  }
  return text.slice(0, end);
}

/** Cut to `width` columns with an ellipsis, or pad to it. */
export function fitTo(text: string, width: number): string {
  if (width <= 0) return '';
  const columns = textWidth(text);
  if (columns <= width) return text + ' '.repeat(width - columns);
  if (width === 1) return '…';
  const cut = `${cutToWidth(text, width - 1)}…`;
  // A wide character that did not fit leaves one column to pad.
  return cut + ' '.repeat(width - textWidth(cut));
}
