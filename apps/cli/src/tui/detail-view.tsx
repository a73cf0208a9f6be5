import { Box } from 'ink';
import { LineView } from './line-view.js';
import type { Line } from './segments.js';

export interface DetailViewProps {
  lines: readonly Line[];
  scroll: number;
  height: number;
}

/** A window of pre-formatted lines (detail of a capture, or any text). */
export function DetailView({ lines, scroll, height }: DetailViewProps) {
  const shown = lines.slice(scroll, scroll + height);
  return (
    <Box flexDirection="column" height={height}>
      {shown.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the window's rows are positions
        <LineView key={scroll + i} line={line} />
      ))}
    </Box>
  );
}
