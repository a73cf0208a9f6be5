import { describe, expect, it } from 'vitest';
import { intentFor, type KeyLike, splitKeys } from './key-map.js';

const none: KeyLike = {
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
const key = (extra: Partial<KeyLike>): KeyLike => ({ ...none, ...extra });

describe('intentFor', () => {
  it('maps list keys', () => {
    expect(intentFor('list', 'j', none)).toBe('down');
    expect(intentFor('list', '', key({ upArrow: true }))).toBe('up');
    expect(intentFor('list', '', key({ return: true }))).toBe('open');
    expect(intentFor('list', '', key({ escape: true }))).toBe('clear-filter');
    for (const [input, intent] of [
      ['r', 'replay'],
      ['e', 'edit'],
      ['c', 'curl'],
      ['x', 'har'],
      ['p', 'pause'],
      ['/', 'filter'],
      ['?', 'help'],
      ['q', 'quit'],
      ['G', 'last'],
    ] as const) {
      expect(intentFor('list', input, none)).toBe(intent);
    }
    expect(intentFor('list', 'z', none)).toBeNull();
  });

  it('maps detail keys (scrolling, back)', () => {
    expect(intentFor('detail', '', key({ escape: true }))).toBe('back');
    expect(intentFor('detail', 'k', none)).toBe('up');
    expect(intentFor('detail', ' ', none)).toBe('page-down');
    expect(intentFor('detail', 'r', none)).toBe('replay');
  });

  it('types into the filter, so command letters are text there', () => {
    expect(intentFor('filter', 'q', none)).toEqual({ type: 'type', text: 'q' });
    expect(intentFor('filter', '', key({ backspace: true }))).toBe('erase');
    expect(intentFor('filter', '', key({ return: true }))).toBe('apply');
    expect(intentFor('filter', '', key({ escape: true }))).toBe('back');
  });

  it('closes help on any key but q', () => {
    expect(intentFor('help', 'x', none)).toBe('back');
    expect(intentFor('help', 'q', none)).toBe('quit');
  });
});

describe('splitKeys', () => {
  it('splits a run of characters into single presses, Enter and Backspace included', () => {
    const presses = splitKeys('jj\r', none);
    expect(presses.map((p) => p.input)).toEqual(['j', 'j', '']);
    expect(presses[2]?.key.return).toBe(true);
    expect(splitKeys('a\x7f', none)[1]?.key.backspace).toBe(true);
  });

  it('leaves single keys and special keys alone', () => {
    expect(splitKeys('j', none)).toEqual([{ input: 'j', key: none }]);
    const up = key({ upArrow: true });
    expect(splitKeys('[A', up)).toEqual([{ input: '[A', key: up }]);
  });
});
