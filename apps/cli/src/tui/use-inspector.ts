import { type CaptureRecord, parseFilter } from '@hookline/capture';
import { type Key, useApp, useInput, useStdin } from 'ink';
import { type Dispatch, useEffect, useRef } from 'react';
import { batchSummaryLine, DEFAULT_BATCH_MAX, planBatch } from '../inspector/batch-replay.js';
import { signatureMark } from '../inspector/capture-summary.js';
import { type Intent, intentFor, splitKeys } from './key-map.js';
import type { InspectorActions, ReplayMode } from './sources.js';
import type { VisibleCaptures } from './use-captures.js';
import { type InspectorAction, type InspectorState, reduce } from './use-inspector-state.js';

export interface UseInspectorOptions {
  state: InspectorState;
  dispatch: Dispatch<InspectorAction>;
  captures: VisibleCaptures;
  actions: InspectorActions;
  /** Rows of the list window. */
  listHeight: number;
  /** Rows of the detail/text window, and how many lines it holds. */
  pageHeight: number;
  pageLines: number;
}

function describe(record: CaptureRecord, original: string): string {
  if (record.error) return `replay of #${original} (as #${record.id}) failed: ${record.error.code}`;
  const sig = record.signature ? ` (${record.signature.provider} ${signatureMark(record.signature)})` : '';
  return `replayed #${original} as #${record.id}${sig}: ${record.response?.status} ${record.response?.statusText ?? ''}`.trim();
}

const RESIGN: ReplayMode = { resign: {} };

/** The error's message, with its stable code when it has one (as the CLI prints it). */
function failure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('E_') ? `${error.message} (${code})` : error.message;
}

/** Backing out of the editor is the user's choice, not a failure. */
const cancelled = (error: unknown) => (error as { code?: unknown } | null)?.code === 'E_EDIT_CANCELLED';

/** Keys → intents → state changes and side effects (replay, edit, curl, HAR, quit). */
export function useInspector(options: UseInspectorOptions): void {
  const { state, dispatch, captures, actions, listHeight, pageHeight, pageLines } = options;
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const pendingEdit = useRef<{ id: string; mode: ReplayMode } | null>(null);
  // Keys act on what is on screen. Ink rebinds an input handler only when the
  // render's effects run, after its frame is drawn, so a key sent right after a
  // redraw (the first rows appearing, a move, a filter result) used to reach an
  // older render's handler: "no capture selected" with a row selected, or `r`
  // replaying the row selected before `G`. So the handler is bound once and reads
  // the state and `run` of the latest render from refs. Keys that arrive in one
  // chunk ("jjj", a pasted filter + Enter) must each see the state the previous
  // one left: they update `shadow` as they dispatch.
  const shadow = useRef(state);
  shadow.current = state;
  const apply = (action: InspectorAction): void => {
    shadow.current = reduce(shadow.current, action);
    dispatch(action);
  };
  const say = (text: string, tone: 'info' | 'error' = 'info') => dispatch({ type: 'message', text, tone });

  const run = (intent: Intent): void => {
    // The list on screen reaches the state in an effect (`items`), after it is drawn:
    // a key in between (the first rows just appeared) acts on the rows it sees.
    if (shadow.current.ids !== captures.ids) apply({ type: 'items', ids: captures.ids, height: listHeight });
    const state = shadow.current;
    const dispatch = apply;
    const id = state.mode.kind === 'detail' || state.mode.kind === 'replay-choice' ? state.mode.id : state.selectedId;
    const replay = (id: string, mode: ReplayMode) => {
      say(`replaying #${id}${mode.resign ? ' re-signed' : ''}…`);
      actions.replay(id, mode).then(
        (record) => say(describe(record, id), record.error ? 'error' : 'info'),
        (error) => say(`replay of #${id} failed: ${failure(error)}`, 'error'),
      );
    };
    const edit = (id: string, mode: ReplayMode) => {
      pendingEdit.current = { id, mode };
      // Also what Ink last drew before the editor: the frame after it (whatever its
      // outcome) then always differs, so Ink redraws the cleared screen in full
      // (it skips a frame equal to its last one, and a second cancel looked blank).
      say(`editing #${id} in $EDITOR…`);
      dispatch({ type: 'suspend', on: true });
    };
    const ids = captures.ids;
    const paging = state.mode.kind === 'detail' || state.mode.kind === 'text';
    const max = pageLines - pageHeight;
    const step = (delta: number) =>
      paging ? dispatch({ type: 'scroll', delta, max }) : dispatch({ type: 'move', delta, ids, height: listHeight });
    if (typeof intent === 'object') return dispatch({ type: 'filter-type', text: intent.text });
    switch (intent) {
      case 'up':
        return step(-1);
      case 'down':
        return step(1);
      case 'page-up':
        return step(-(paging ? pageHeight : listHeight));
      case 'page-down':
        return step(paging ? pageHeight : listHeight);
      case 'first':
      case 'last':
        if (paging) return dispatch({ type: 'scroll', delta: intent === 'first' ? -pageLines : pageLines, max });
        return dispatch({ type: 'jump', to: intent, ids, height: listHeight });
      case 'open':
        return dispatch({ type: 'open' });
      case 'back':
        return dispatch(state.mode.kind === 'replay-choice' ? { type: 'replay-choice-done' } : { type: 'back' });
      case 'clear-filter':
        return state.filter ? dispatch({ type: 'filter-clear' }) : undefined;
      case 'quit':
        return exit();
      case 'help':
        return dispatch({ type: 'help' });
      case 'pause':
        return dispatch({ type: 'pause' });
      case 'filter':
        return dispatch({ type: 'filter-start' });
      case 'erase':
        return dispatch({ type: 'filter-erase' });
      case 'apply':
        return dispatch({ type: 'filter-apply' });
      case 'replay-batch': {
        // Only a filtered list: `R` on everything is too easy to press by mistake.
        if (!state.filter) return say('R replays a filtered list: filter it first with /', 'error');
        try {
          const includeReplays = parseFilter(state.filter).some((term) => term.key === 'origin');
          const plan = planBatch(captures.visible, { includeReplays, max: DEFAULT_BATCH_MAX });
          if (plan.ids.length === 0) return say('nothing here to replay (replays and truncated captures are left out)');
          return dispatch({ type: 'batch-confirm', ids: plan.ids, truncated: plan.truncated });
        } catch (error) {
          return say(failure(error), 'error');
        }
      }
      case 'har':
        say(`exporting ${captures.visible.length} exchanges…`);
        actions.exportHar(captures.ids).then(
          (file) => say(`wrote ${captures.visible.length} exchanges to ${file}`),
          (error) => say(`HAR export failed: ${failure(error)}`, 'error'),
        );
        return;
    }
    if (state.mode.kind === 'batch-confirm' && (intent === 'replay-captured' || intent === 'replay-resigned')) {
      const plan = { ids: [...state.mode.ids], truncated: [...state.mode.truncated] };
      dispatch({ type: 'replay-choice-done' });
      let done = 0;
      say(`replaying ${plan.ids.length} captures…`);
      actions
        .replayBatch(plan, intent === 'replay-resigned' ? RESIGN : {}, () => {
          done += 1;
          say(`replaying… ${done}/${plan.ids.length}`);
        })
        .then(
          (summary) =>
            say(`batch: ${batchSummaryLine(summary)}`, summary.failed + summary.refused > 0 ? 'error' : 'info'),
          (error) => say(`batch replay failed: ${failure(error)}`, 'error'),
        );
      return;
    }
    if (id === null) return say('no capture selected', 'error');
    switch (intent) {
      case 'replay': {
        // A signed capture asks first: as captured (the app may reject it as stale) or re-signed.
        const provider = captures.visible.find((record) => record.id === id)?.signature?.provider;
        if (provider) return dispatch({ type: 'replay-choice', id, provider });
        return replay(id, {});
      }
      case 'replay-captured':
        dispatch({ type: 'replay-choice-done' });
        return replay(id, {});
      case 'replay-resigned':
        dispatch({ type: 'replay-choice-done' });
        return replay(id, RESIGN);
      case 'replay-new-id':
        dispatch({ type: 'replay-choice-done' });
        return replay(id, { resign: { newId: true } });
      case 'edit-resigned':
        dispatch({ type: 'replay-choice-done' });
        return edit(id, RESIGN);
      case 'edit':
        return edit(id, {});
      case 'curl':
        actions.curl(id).then(
          ({ text, copied }) =>
            copied
              ? say(`copied curl for #${id} to the clipboard`)
              : dispatch({
                  type: 'show-text',
                  title: `curl for #${id} (no clipboard here; hookline export --curl ${id} prints it unwrapped)`,
                  lines: text.split('\n'),
                }),
          (error) => say(`curl failed: ${failure(error)}`, 'error'),
        );
        return;
    }
  };

  const latest = useRef(run);
  latest.current = run;
  const onInput = useRef((input: string, key: Key) => {
    for (const press of splitKeys(input, key)) {
      const intent = intentFor(shadow.current.mode.kind, press.input, press.key);
      if (intent !== null) latest.current(intent);
    }
  }).current;

  // Declared before the edit effect: when `suspended` turns on, this hook's own
  // effect has already released raw mode and stdin before the editor starts.
  useInput(onInput, { isActive: isRawModeSupported && !state.suspended });

  useEffect(() => {
    const pending = pendingEdit.current;
    if (!state.suspended || pending === null) return;
    pendingEdit.current = null;
    const { id, mode } = pending;
    actions
      .lendTerminal(() => actions.editAndReplay(id, mode))
      .then(
        (record) => say(describe(record, id), record.error ? 'error' : 'info'),
        (error) =>
          cancelled(error)
            ? say(`edit of #${id} cancelled: ${failure(error)}`)
            : say(`edit of #${id}: ${failure(error)}`, 'error'),
      )
      .finally(() => dispatch({ type: 'suspend', on: false }));
  });
}
