import type { InspectorState } from './use-inspector-state.js';

const HINTS: Record<InspectorState['mode']['kind'], string> = {
  list: '↑↓ ⏎ open  r replay  e edit  / filter  c curl  x HAR  p pause  ? help  q quit',
  detail: '↑↓ scroll  esc back  r replay  e edit  c curl  x HAR  ? help  q quit',
  filter: '⏎ apply  esc cancel  e.g. status:5xx method:post path:/hooks header:x body:y sig:invalid tunnel:*',
  help: 'any key: back',
  text: '↑↓ scroll  esc back  q quit',
  'replay-choice': 'a/⏎ as captured  s re-signed  e edit + re-sign  esc cancel',
  'batch-confirm': 'y/⏎ replay as captured  s re-signed  esc cancel',
};

/** The key hints for the current view; `p` says what it will do next (pause, or resume when paused). */
export function footerHints(state: Pick<InspectorState, 'mode' | 'paused'>): string {
  const hints = HINTS[state.mode.kind];
  return state.paused ? hints.replace('p pause', 'p resume') : hints;
}
