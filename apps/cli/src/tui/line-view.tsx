import { Text } from 'ink';
import type { Line } from './segments.js';

/** One styled line, cut (never wrapped) at the terminal's edge. */
export function LineView({ line }: { line: Line }) {
  if (line.length === 0) return <Text> </Text>;
  return (
    <Text wrap="truncate-end">
      {line.map((segment, i) => (
        <Text
          // biome-ignore lint/suspicious/noArrayIndexKey: segments of one line never reorder
          key={i}
          {...(segment.color ? { color: segment.color } : {})}
          bold={segment.bold ?? false}
          dimColor={segment.dim ?? false}
        >
          {segment.text}
        </Text>
      ))}
    </Text>
  );
}
