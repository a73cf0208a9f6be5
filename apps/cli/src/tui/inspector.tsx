import { Box } from 'ink';
import { useEffect, useMemo } from 'react';
import { CaptureList } from './capture-list.js';
import { DetailView } from './detail-view.js';
import { Footer } from './footer.js';
import { formatDetail } from './format-detail.js';
import { Header } from './header.js';
import { HelpView } from './help-view.js';
import { type Line, plain, wrapLine } from './segments.js';
import type { CaptureSource, InspectorActions, StatusSource } from './sources.js';
import { useCaptures } from './use-captures.js';
import { useInspector } from './use-inspector.js';
import { useInspectorState } from './use-inspector-state.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useTunnelStatus } from './use-tunnel-status.js';

export interface InspectorProps {
  captures: CaptureSource;
  status: StatusSource;
  actions: InspectorActions;
  /** Shown first in the message line (e.g. a corrupt store moved aside). */
  notice?: string;
  /** @default 'error' (a warning); 'info' for news such as the web inspector's URL */
  noticeTone?: 'info' | 'error';
}

/** Header (2) + footer (2) + one spare row so Ink never repaints the whole screen. */
const CHROME = 5;

/** The inspector: live list, detail, filter, help; keys in use-inspector, state in use-inspector-state. */
export function Inspector({ captures: source, status, actions, notice, noticeTone = 'error' }: InspectorProps) {
  const [state, dispatch] = useInspectorState();
  const { columns, rows } = useTerminalSize();
  const frozen = state.paused || state.suspended;
  const tunnel = useTunnelStatus(status, state.suspended);
  // The filter applies as it is typed; Esc goes back to the applied one.
  const filter = state.mode.kind === 'filter' ? state.mode.draft : state.filter;
  const captures = useCaptures(source, filter, frozen, tunnel.view.name ?? null);
  const pageHeight = Math.max(1, rows - CHROME);
  const listHeight = Math.max(1, pageHeight - 1);
  const width = Math.max(20, columns - 1);

  // A replay choice is asked over the view it came from.
  const mode =
    state.mode.kind === 'replay-choice' || state.mode.kind === 'batch-confirm' ? state.mode.under : state.mode;
  const detailId = mode.kind === 'detail' ? mode.id : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a capture never changes once stored
  const lines: readonly Line[] = useMemo(() => {
    if (mode.kind === 'text') {
      return [[{ text: mode.title, bold: true }], ...mode.lines.flatMap((text) => wrapLine(plain(text), width))];
    }
    if (detailId === null) return [];
    const record = source.get(detailId);
    return record ? formatDetail(record, width) : [plain(`capture #${detailId} is no longer stored`)];
  }, [detailId, width, mode.kind === 'text' ? mode.lines : null, source]);

  useEffect(() => {
    dispatch({ type: 'items', ids: captures.ids, height: listHeight });
  }, [captures.ids, listHeight, dispatch]);

  useEffect(() => {
    if (notice) dispatch({ type: 'message', text: notice, tone: noticeTone });
  }, [notice, noticeTone, dispatch]);

  useInspector({ state, dispatch, captures, actions, listHeight, pageHeight, pageLines: lines.length });

  const empty = filter
    ? `nothing matches "${filter}" (Esc clears the filter)`
    : captures.scope !== null && captures.total > 0
      ? `no captures of ${captures.scope} yet (/ tunnel:* shows every tunnel's)`
      : 'waiting for requests…';
  return (
    <Box flexDirection="column" width={columns}>
      <Header
        tunnel={tunnel.view}
        now={tunnel.now}
        total={captures.total}
        shown={captures.visible.length}
        filter={filter}
        scope={captures.scope}
        paused={state.paused}
        waiting={captures.waiting}
      />
      {mode.kind === 'help' ? (
        <HelpView height={pageHeight} />
      ) : mode.kind === 'detail' || mode.kind === 'text' ? (
        <DetailView lines={lines} scroll={mode.scroll} height={pageHeight} />
      ) : (
        <CaptureList
          visible={captures.visible}
          cursor={state.cursor}
          top={state.top}
          height={listHeight}
          width={width}
          empty={empty}
        />
      )}
      <Footer state={state} filterError={captures.filterError} />
    </Box>
  );
}
