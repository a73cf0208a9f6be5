import { Box, Text } from 'ink';

/** The key list (also in the README). */
export const KEYS: ReadonlyArray<readonly [string, string]> = [
  ['↑/↓  j/k', 'move (scroll in detail); PgUp/PgDn, g/G: page, first, last'],
  ['Enter', 'show the selected exchange (headers, bodies, timing)'],
  ['Esc', 'back to the list; in the list, clear the filter'],
  ['r', 'replay to the local target (byte-exact); signed: as captured or re-signed'],
  ['R', 'replay every capture of the filtered list, oldest first (asks first; at most 1000)'],
  ['e', 'edit the request in $EDITOR, then replay it'],
  ['/', 'filter: text, method:post, status:5xx, path:/x, header:…, body:…'],
  ['c', 'copy as curl (clipboard when available, else shown)'],
  ['x', 'export the listed exchanges as a HAR file'],
  ['p', 'pause / resume the live list'],
  ['?', 'this help'],
  ['q', 'quit (Ctrl-C too)'],
];

export function HelpView({ height }: { height: number }) {
  return (
    <Box flexDirection="column" height={height}>
      <Text bold>Keys</Text>
      {KEYS.map(([key, text]) => (
        <Text key={key} wrap="truncate-end">
          <Text color="cyan">{key.padEnd(10)}</Text> {text}
        </Text>
      ))}
      <Text dimColor>any key to close</Text>
    </Box>
  );
}
