import type { Mode } from './use-inspector-state.js';

/** The parts of Ink's `Key` the inspector reads. */
export interface KeyLike {
  upArrow: boolean;
  downArrow: boolean;
  leftArrow: boolean;
  pageUp: boolean;
  pageDown: boolean;
  home: boolean;
  end: boolean;
  return: boolean;
  escape: boolean;
  backspace: boolean;
  delete: boolean;
  ctrl: boolean;
  meta: boolean;
}

/** What a key press means in the current mode. */
export type Intent =
  | 'up'
  | 'down'
  | 'page-up'
  | 'page-down'
  | 'first'
  | 'last'
  | 'open'
  | 'back'
  | 'clear-filter'
  | 'quit'
  | 'help'
  | 'pause'
  | 'filter'
  | 'replay'
  | 'edit'
  | 'curl'
  | 'har'
  | 'erase'
  | 'apply'
  | 'replay-captured'
  | 'replay-resigned'
  | 'replay-new-id'
  | 'edit-resigned'
  | 'replay-batch'
  | { type: 'type'; text: string };

/** Keys shared by the list and the detail view. */
const COMMANDS: Record<string, Intent> = {
  r: 'replay',
  e: 'edit',
  c: 'curl',
  x: 'har',
  p: 'pause',
  '/': 'filter',
  '?': 'help',
  q: 'quit',
};

function movement(input: string, key: KeyLike): Intent | null {
  if (key.upArrow || input === 'k') return 'up';
  if (key.downArrow || input === 'j') return 'down';
  if (key.pageUp || (key.ctrl && input === 'b')) return 'page-up';
  if (key.pageDown || input === ' ' || (key.ctrl && input === 'f')) return 'page-down';
  if (key.home || input === 'g') return 'first';
  if (key.end || input === 'G') return 'last';
  return null;
}

/** Map a key press to an intent; null for keys with no meaning here. */
export function intentFor(mode: Mode['kind'], input: string, key: KeyLike): Intent | null {
  switch (mode) {
    case 'filter':
      if (key.return) return 'apply';
      if (key.escape) return 'back';
      if (key.backspace || key.delete) return 'erase';
      if (key.ctrl || key.meta || input === '' || /[\u0000-\u001f]/.test(input)) return null;
      return { type: 'type', text: input };
    case 'help':
      return input === 'q' ? 'quit' : 'back';
    case 'replay-choice':
      if (key.escape || input === 'q') return 'back';
      if (input === 'a' || key.return) return 'replay-captured';
      if (input === 's') return 'replay-resigned';
      if (input === 'n') return 'replay-new-id';
      if (input === 'e') return 'edit-resigned';
      return null;
    case 'batch-confirm':
      if (input === 'y' || key.return) return 'replay-captured';
      if (input === 's') return 'replay-resigned';
      return key.escape || input === 'n' || input === 'q' ? 'back' : null;
    case 'text':
      if (key.escape || key.return || key.leftArrow) return 'back';
      return input === 'q' ? 'quit' : movement(input, key);
    case 'detail':
      if (key.escape || key.leftArrow || key.backspace) return 'back';
      return movement(input, key) ?? COMMANDS[input] ?? null;
    case 'list':
      if (key.return) return 'open';
      if (key.escape) return 'clear-filter';
      if (input === 'R') return 'replay-batch';
      return movement(input, key) ?? COMMANDS[input] ?? null;
  }
}

const NO_KEY: KeyLike = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  pageUp: false,
  pageDown: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  backspace: false,
  delete: false,
  ctrl: false,
  meta: false,
};

/**
 * Ink hands a run of plain characters typed (or pasted, or key-repeated) faster
 * than it reads as one input ("jjj", "/500\r"): split it into single presses.
 */
export function splitKeys(input: string, key: KeyLike): Array<{ input: string; key: KeyLike }> {
  const special = key.upArrow || key.downArrow || key.leftArrow || key.pageUp || key.pageDown || key.home || key.end;
  if (input.length <= 1 || special || key.ctrl || key.meta || key.escape) return [{ input, key }];
  return [...input].map((char) => {
    if (char === '\r' || char === '\n') return { input: '', key: { ...NO_KEY, return: true } };
    if (char === '\x7f' || char === '\b') return { input: '', key: { ...NO_KEY, backspace: true } };
    return { input: char, key: NO_KEY };
  });
}
