import type { CaptureListing } from '@hookline/capture';
import { Box, Text } from 'ink';
import { memo } from 'react';
import { formatRow, listHeader, signatureColor, statusColor } from './format-row.js';

const Row = memo(function Row({
  record,
  width,
  selected,
}: {
  record: CaptureListing;
  width: number;
  selected: boolean;
}) {
  const parts = formatRow(record, width);
  return (
    <Text wrap="truncate-end" inverse={selected}>
      {selected ? '▸' : ' '}
      {parts.left}
      <Text color={signatureColor(record)}>{parts.signature}</Text>
      <Text color={statusColor(record)}>{parts.status}</Text>
      {parts.right}
    </Text>
  );
});

export interface CaptureListProps {
  visible: readonly CaptureListing[];
  cursor: number;
  top: number;
  /** Rows available for captures (the column header is extra). */
  height: number;
  width: number;
  empty: string;
}

/** The windowed list: only the rows on screen are rendered, whatever the count. */
export function CaptureList({ visible, cursor, top, height, width, empty }: CaptureListProps) {
  const rows = visible.slice(top, top + height);
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text dimColor wrap="truncate-end">
        {listHeader(width)}
      </Text>
      {rows.length === 0 ? <Text dimColor> {empty}</Text> : null}
      {rows.map((record, i) => (
        <Row key={record.id} record={record} width={width} selected={top + i === cursor} />
      ))}
    </Box>
  );
}
