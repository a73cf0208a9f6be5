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

/** Hard-wrap a line at `width` columns, keeping each piece's style. */
export function wrapLine(line: Line, width: number): Line[] {
  if (width <= 0) return [line];
  const out: Line[] = [];
  let current: Line = [];
  let used = 0;
  for (const segment of line) {
    let rest = segment.text;
    while (rest.length > 0) {
      if (used === width) {
        out.push(current);
        current = [];
        used = 0;
      }
      const piece = rest.slice(0, width - used);
      current.push({ ...segment, text: piece });
      used += piece.length;
      rest = rest.slice(piece.length);
    }
  }
  out.push(current);
  return out;
}
