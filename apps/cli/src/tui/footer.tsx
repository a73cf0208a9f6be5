import { Box, Text } from 'ink';
import { footerHints } from './footer-hints.js';
import type { InspectorState } from './use-inspector-state.js';

/** The question `r` asks about a signed capture. */
function replayPrompt(mode: Extract<InspectorState['mode'], { kind: 'replay-choice' }>): string {
  const newId = mode.provider === 'standard' ? '  [n] re-signed with a new webhook-id' : '';
  return `replay #${mode.id} (${mode.provider}): [a] as captured  [s] re-signed (fresh timestamp)${newId}`;
}

/** The question `R` asks before replaying a filtered list. */
function batchPrompt(mode: Extract<InspectorState['mode'], { kind: 'batch-confirm' }>): string {
  const refused = mode.truncated.length > 0 ? ` (${mode.truncated.length} truncated refused)` : '';
  return `replay ${mode.ids.length} captures, oldest first${refused}? [y] as captured  [s] re-signed  [esc] no`;
}

/** Two lines: the filter prompt or the last message, then the key hints. */
export function Footer({ state, filterError = null }: { state: InspectorState; filterError?: string | null }) {
  const mode = state.mode;
  return (
    <Box flexDirection="column">
      {mode.kind === 'replay-choice' || mode.kind === 'batch-confirm' ? (
        <Text wrap="truncate-end" color="yellow">
          {mode.kind === 'replay-choice' ? replayPrompt(mode) : batchPrompt(mode)}
        </Text>
      ) : mode.kind === 'filter' ? (
        <Text wrap="truncate-end">
          <Text color="cyan">/</Text>
          {mode.draft}
          <Text inverse> </Text>
        </Text>
      ) : filterError ? (
        <Text wrap="truncate-end" color="red">
          {`filter: ${filterError} (/ to change it, Esc to clear)`}
        </Text>
      ) : (
        <Text wrap="truncate-end" {...(state.message?.tone === 'error' ? { color: 'red' } : { color: 'green' })}>
          {state.message?.text ?? ' '}
        </Text>
      )}
      {mode.kind === 'filter' && filterError ? (
        // While typing, the hints make way for what is wrong with the filter so far.
        <Text wrap="truncate-end" color="red">
          {filterError}
        </Text>
      ) : (
        <Text dimColor wrap="truncate-end">
          {footerHints(state)}
        </Text>
      )}
    </Box>
  );
}
