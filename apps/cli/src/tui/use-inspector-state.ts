import { useReducer } from 'react';

/** What the screen shows besides the header. */
export type Mode =
  | { kind: 'list' }
  | { kind: 'detail'; id: string; scroll: number }
  | { kind: 'filter'; draft: string }
  | { kind: 'help' }
  | { kind: 'text'; title: string; lines: string[]; scroll: number }
  /** `r` on a signed capture: as captured, or re-signed? Drawn over the view it came from. */
  | { kind: 'replay-choice'; id: string; provider: string; under: ListOrDetail }
  /** `R` on a filtered list: replay these captures (oldest first)? Drawn over the list. */
  | { kind: 'batch-confirm'; ids: readonly string[]; truncated: readonly string[]; under: { kind: 'list' } };

/** The views a replay choice can open over. */
export type ListOrDetail = { kind: 'list' } | { kind: 'detail'; id: string; scroll: number };

export interface InspectorState {
  mode: Mode;
  /** Index into the visible list (newest first). */
  cursor: number;
  /** First visible row of the list window. */
  top: number;
  /** The selected capture: selection follows it when new captures arrive above. */
  selectedId: string | null;
  /** The visible ids as last reported (`items`): a selection can be made without waiting for the next report. */
  ids: readonly string[];
  filter: string;
  paused: boolean;
  /** The terminal is lent to $EDITOR: no input, no redraws. */
  suspended: boolean;
  /** One-line feedback ("replayed #7 as #12: 200"). */
  message: { text: string; tone: 'info' | 'error' } | null;
}

export type InspectorAction =
  | { type: 'items'; ids: readonly string[]; height: number }
  | { type: 'move'; delta: number; ids: readonly string[]; height: number }
  | { type: 'jump'; to: 'first' | 'last'; ids: readonly string[]; height: number }
  | { type: 'open' }
  | { type: 'back' }
  | { type: 'scroll'; delta: number; max: number }
  | { type: 'filter-start' }
  | { type: 'filter-type'; text: string }
  | { type: 'filter-erase' }
  | { type: 'filter-apply' }
  | { type: 'filter-clear' }
  | { type: 'help' }
  | { type: 'pause' }
  | { type: 'suspend'; on: boolean }
  | { type: 'message'; text: string; tone: 'info' | 'error' }
  | { type: 'show-text'; title: string; lines: string[] }
  | { type: 'replay-choice'; id: string; provider: string }
  | { type: 'replay-choice-done' }
  | { type: 'batch-confirm'; ids: readonly string[]; truncated: readonly string[] };

export const initialState: InspectorState = {
  mode: { kind: 'list' },
  cursor: 0,
  top: 0,
  selectedId: null,
  ids: [],
  filter: '',
  paused: false,
  suspended: false,
  message: null,
};

const clamp = (value: number, low: number, high: number) => Math.max(low, Math.min(high, value));

/** Keep the cursor inside the window [top, top + height). */
function windowed(
  state: InspectorState,
  cursor: number,
  count: number,
  height: number,
): Pick<InspectorState, 'cursor' | 'top'> {
  const next = clamp(cursor, 0, Math.max(0, count - 1));
  const rows = Math.max(1, height);
  let top = clamp(state.top, 0, Math.max(0, count - rows));
  if (next < top) top = next;
  if (next >= top + rows) top = next - rows + 1;
  return { cursor: next, top };
}

function select(state: InspectorState, cursor: number, ids: readonly string[], height: number): InspectorState {
  const next = windowed(state, cursor, ids.length, height);
  return { ...state, ...next, ids, selectedId: ids[next.cursor] ?? null };
}

/** The visible list changed (new captures, a filter, a resize). */
function items(state: InspectorState, ids: readonly string[], height: number): InspectorState {
  // At the top, follow the newest; elsewhere keep the same capture selected.
  const found = state.cursor === 0 || state.selectedId === null ? -1 : ids.indexOf(state.selectedId);
  const cursor = found === -1 ? (state.cursor === 0 ? 0 : Math.min(state.cursor, ids.length - 1)) : found;
  const top = found === -1 ? state.top : state.top + (found - state.cursor);
  return select({ ...state, top }, cursor, ids, height);
}

/** The inspector's pure state machine: every key and every list change goes through here. */
export function reduce(state: InspectorState, action: InspectorAction): InspectorState {
  switch (action.type) {
    case 'items':
      return items(state, action.ids, action.height);
    case 'move':
      return select(state, state.cursor + action.delta, action.ids, action.height);
    case 'jump':
      return select(state, action.to === 'first' ? 0 : action.ids.length - 1, action.ids, action.height);
    case 'open':
      return state.selectedId === null
        ? state
        : { ...state, mode: { kind: 'detail', id: state.selectedId, scroll: 0 } };
    case 'back':
      return { ...state, mode: { kind: 'list' }, message: null };
    case 'scroll': {
      const mode = state.mode;
      if (mode.kind !== 'detail' && mode.kind !== 'text') return state;
      return { ...state, mode: { ...mode, scroll: clamp(mode.scroll + action.delta, 0, Math.max(0, action.max)) } };
    }
    case 'filter-start':
      return { ...state, mode: { kind: 'filter', draft: state.filter } };
    case 'filter-type':
      return state.mode.kind === 'filter'
        ? { ...state, mode: { kind: 'filter', draft: state.mode.draft + action.text } }
        : state;
    case 'filter-erase':
      return state.mode.kind === 'filter'
        ? { ...state, mode: { kind: 'filter', draft: state.mode.draft.slice(0, -1) } }
        : state;
    case 'filter-apply':
      if (state.mode.kind !== 'filter') return state;
      // The list already shows this filter's matches (it applies as typed): select the first now,
      // since no new list may come to do it (the ids are the same ones).
      return {
        ...state,
        filter: state.mode.draft.trim(),
        mode: { kind: 'list' },
        cursor: 0,
        top: 0,
        selectedId: state.ids[0] ?? null,
      };
    case 'filter-clear':
      return { ...state, filter: '', cursor: 0, top: 0, selectedId: null };
    case 'help':
      return { ...state, mode: state.mode.kind === 'help' ? { kind: 'list' } : { kind: 'help' } };
    case 'pause':
      return { ...state, paused: !state.paused };
    case 'suspend':
      return { ...state, suspended: action.on };
    case 'message':
      return { ...state, message: { text: action.text, tone: action.tone } };
    case 'show-text':
      return { ...state, mode: { kind: 'text', title: action.title, lines: action.lines, scroll: 0 } };
    case 'replay-choice': {
      const under = state.mode;
      if (under.kind !== 'list' && under.kind !== 'detail') return state;
      return { ...state, mode: { kind: 'replay-choice', id: action.id, provider: action.provider, under } };
    }
    case 'replay-choice-done':
      return state.mode.kind === 'replay-choice' || state.mode.kind === 'batch-confirm'
        ? { ...state, mode: state.mode.under }
        : state;
    case 'batch-confirm':
      if (state.mode.kind !== 'list') return state;
      return {
        ...state,
        mode: { kind: 'batch-confirm', ids: action.ids, truncated: action.truncated, under: state.mode },
      };
  }
}

/** The reducer as a hook. */
export function useInspectorState() {
  return useReducer(reduce, initialState);
}
