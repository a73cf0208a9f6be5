import { columnsOf, cutToWidth, textWidth } from '../text-width.js';

/** Styled text for the TUI, independent of Ink so formatters stay pure and testable. */
export type Color = 'green' | 'red' | 'yellow' | 'cyan' | 'magenta' | 'blue' | 'gray' | 'white';

export interface Segment {
  text: string;
  color?: Color;
  bold?: boolean;
  dim?: boolean;
}

/** One screen line. */
export type Line = Segment[];

export const plain = (text: string): Line => [{ text }];

export function lineText(line: Line): string {
  return line.map((segment) => segment.text).join('');
}

/** Hard-wrap a line at `width` terminal columns, keeping each piece's style; a character is never cut in two. */
export function wrapLine(line: Line, width: number): Line[] {
  if (width <= 0) return [line];
  const out: Line[] = [];
  let current: Line = [];
  let used = 0;
  const breakLine = () => {
    out.push(current);
    current = [];
    used = 0;
  };
  for (const segment of line) {
    let rest = segment.text;
    while (rest.length > 0) {
      if (used === width) breakLine();
      let piece = cutToWidth(rest, width - used);
      if (piece === '') {
        // The next character is wider than what is left of this line: it starts the next one
        // (or, on a line of its own narrower than the character, stands alone).
        if (used > 0) {
          breakLine();
          continue;
        }
        piece = columnsOf(rest).next().value?.text ?? rest;
      }
      current.push({ ...segment, text: piece });
      used += textWidth(piece);
      rest = rest.slice(piece.length);
    }
  }
  out.push(current);
  return out;
}
