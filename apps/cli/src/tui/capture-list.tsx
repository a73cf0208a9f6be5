import type { CaptureListing } from '@hookline/capture';
import { Box, Text } from 'ink';
import { memo } from 'react';
import { formatRow, idWidth, listHeader, sigColumnColor, statusColor } from './format-row.js';

const Row = memo(function Row({
  record,
  width,
  ids,
  selected,
}: {
  record: CaptureListing;
  width: number;
  ids: number;
  selected: boolean;
}) {
  const parts = formatRow(record, width, ids);
  return (
    <Text wrap="truncate-end" inverse={selected}>
      {selected ? '▸' : ' '}
      {parts.left}
      <Text color={sigColumnColor(record)}>{parts.signature}</Text>
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
  // The id column fits the ids on screen (replay and export take an id).
  const ids = idWidth(rows);
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text dimColor wrap="truncate-end">
        {listHeader(width, ids)}
      </Text>
      {rows.length === 0 ? <Text dimColor> {empty}</Text> : null}
      {rows.map((record, i) => (
        <Row key={record.id} record={record} width={width} ids={ids} selected={top + i === cursor} />
      ))}
    </Box>
  );
}
