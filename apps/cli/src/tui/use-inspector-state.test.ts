import { describe, expect, it } from 'vitest';
import { type InspectorAction, type InspectorState, initialState, reduce } from './use-inspector-state.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => String(n - i)); // newest first

function run(actions: InspectorAction[], state: InspectorState = initialState): InspectorState {
  return actions.reduce(reduce, state);
}

describe('reduce (inspector state)', () => {
  it('selects the newest capture when the list first fills', () => {
    const state = run([{ type: 'items', ids: ids(3), height: 10 }]);
    expect(state).toMatchObject({ cursor: 0, top: 0, selectedId: '3' });
  });

  it('moves within bounds and scrolls the window to keep the cursor visible', () => {
    const list = ids(100);
    let state = run([{ type: 'items', ids: list, height: 10 }]);
    state = run([{ type: 'move', delta: -1, ids: list, height: 10 }], state);
    expect(state.cursor).toBe(0);
    state = run([{ type: 'move', delta: 12, ids: list, height: 10 }], state);
    expect(state).toMatchObject({ cursor: 12, top: 3, selectedId: '88' });
    state = run([{ type: 'jump', to: 'last', ids: list, height: 10 }], state);
    expect(state).toMatchObject({ cursor: 99, top: 90, selectedId: '1' });
    state = run([{ type: 'move', delta: 5, ids: list, height: 10 }], state);
    expect(state.cursor).toBe(99);
  });

  it('follows the newest at the top, and keeps the selected capture when new ones arrive above', () => {
    let state = run([{ type: 'items', ids: ['2', '1'], height: 10 }]);
    state = run([{ type: 'items', ids: ['3', '2', '1'], height: 10 }], state);
    expect(state.selectedId).toBe('3');
    state = run([{ type: 'move', delta: 2, ids: ['3', '2', '1'], height: 10 }], state);
    expect(state.selectedId).toBe('1');
    state = run([{ type: 'items', ids: ['5', '4', '3', '2', '1'], height: 10 }], state);
    expect(state).toMatchObject({ selectedId: '1', cursor: 4 });
  });

  it('opens the selected capture and goes back', () => {
    let state = run([{ type: 'items', ids: ['7'], height: 10 }, { type: 'open' }]);
    expect(state.mode).toEqual({ kind: 'detail', id: '7', scroll: 0 });
    state = run([{ type: 'scroll', delta: 5, max: 3 }], state);
    expect(state.mode).toEqual({ kind: 'detail', id: '7', scroll: 3 });
    expect(run([{ type: 'back' }], state).mode).toEqual({ kind: 'list' });
  });

  it('does not open anything on an empty list', () => {
    expect(run([{ type: 'open' }]).mode).toEqual({ kind: 'list' });
  });

  it('edits a filter draft and applies it (or leaves it on back)', () => {
    let state = run([
      { type: 'filter-start' },
      { type: 'filter-type', text: 'status:5' },
      { type: 'filter-type', text: 'xxx' },
    ]);
    state = run([{ type: 'filter-erase' }], state);
    expect(state.mode).toEqual({ kind: 'filter', draft: 'status:5xx' });
    expect(run([{ type: 'back' }], state).filter).toBe('');
    state = run([{ type: 'filter-apply' }], state);
    expect(state).toMatchObject({ filter: 'status:5xx', mode: { kind: 'list' }, cursor: 0 });
    expect(run([{ type: 'filter-clear' }], state).filter).toBe('');
  });

  it('applying a filter selects the first match at once, with no new list to come', () => {
    // Filtering applies as typed: by Enter the list already holds the matches.
    const typed = run([
      { type: 'items', ids: ['9', '5', '1'], height: 5 },
      { type: 'filter-start' },
      { type: 'filter-type', text: 'path:/x' },
      { type: 'items', ids: ['5'], height: 5 },
      { type: 'filter-apply' },
    ]);
    expect(typed).toMatchObject({ filter: 'path:/x', cursor: 0, selectedId: '5' });
    expect(reduce(typed, { type: 'open' }).mode).toEqual({ kind: 'detail', id: '5', scroll: 0 });
  });

  it('toggles pause and help, suspends, and shows messages and text', () => {
    const state = run([
      { type: 'pause' },
      { type: 'help' },
      { type: 'suspend', on: true },
      { type: 'message', text: 'hi', tone: 'info' },
    ]);
    expect(state).toMatchObject({ paused: true, suspended: true, mode: { kind: 'help' }, message: { text: 'hi' } });
    expect(run([{ type: 'help' }], state).mode).toEqual({ kind: 'list' });
    expect(run([{ type: 'show-text', title: 't', lines: ['a'] }], state).mode).toEqual({
      kind: 'text',
      title: 't',
      lines: ['a'],
      scroll: 0,
    });
  });
});
