import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { cutToWidth, fitTo, textWidth } from './text-width.js';
import { lineText, wrapLine } from './tui/segments.js';

const FAMILY = '👨‍👩‍👧'; // one character: three emoji joined by ZWJ, 8 UTF-16 units, 2 columns
const ACCENT = 'e\u0301'; // é as e + combining acute: two units, one column
const brokenSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('textWidth', () => {
  it('counts terminal columns, not UTF-16 units', () => {
    expect(textWidth('/hooks')).toBe(6);
    expect(textWidth('订单')).toBe(4);
    expect(textWidth('🎉')).toBe(2);
    expect(textWidth(FAMILY)).toBe(2);
    expect(textWidth(ACCENT)).toBe(1);
  });
});

describe('cutToWidth', () => {
  it('keeps whole characters only', () => {
    expect(cutToWidth('🎉🎉🎉', 5)).toBe('🎉🎉');
    expect(cutToWidth('订单支付', 3)).toBe('订');
    expect(cutToWidth(`${FAMILY}x`, 1)).toBe('');
    expect(cutToWidth(`a${ACCENT}b`, 2)).toBe(`a${ACCENT}`);
    expect(cutToWidth('plain ascii', 5)).toBe('plain');
  });
});

describe('fitTo', () => {
  it('pads to the width in columns', () => {
    expect(fitTo('订单', 6)).toBe('订单  ');
    expect(fitTo('🎉', 3)).toBe('🎉 ');
    expect(fitTo('GET', 7)).toBe('GET    ');
  });

  it('cuts with an ellipsis at a character boundary, always exactly `width` columns', () => {
    for (const text of ['/订单/支付成功回调', `/${'🎉'.repeat(9)}`, FAMILY.repeat(5), `${ACCENT}`.repeat(20)]) {
      for (let width = 1; width < 12; width++) {
        const fitted = fitTo(text, width);
        expect(stringWidth(fitted), `${text} @ ${width}`).toBe(width);
        expect(fitted).not.toMatch(brokenSurrogate);
      }
    }
    expect(fitTo('/订单/支付', 6)).toBe('/订单…');
    expect(fitTo('/订单/支付', 7)).toBe('/订单/…');
    expect(fitTo('🎉🎉🎉', 4)).toBe('🎉… ');
  });
});

describe('wrapLine', () => {
  it('breaks at the width in columns, never inside a character, and loses nothing', () => {
    const text = `${'注'.repeat(50)} ${'🎉'.repeat(50)} ${FAMILY.repeat(10)} ${ACCENT.repeat(30)}`;
    for (const width of [1, 2, 3, 7, 79]) {
      const lines = wrapLine([{ text, color: 'green' }, { text: 'tail' }], width);
      expect(lines.map(lineText).join('')).toBe(`${text}tail`);
      for (const line of lines) {
        const shown = lineText(line);
        expect(shown).not.toMatch(brokenSurrogate);
        // Only a character wider than the whole line may exceed it, standing alone.
        if (stringWidth(shown) > width) expect([...new Intl.Segmenter().segment(shown)]).toHaveLength(1);
      }
    }
  });

  it('moves a wide character that does not fit to the next line instead of splitting it', () => {
    expect(wrapLine([{ text: 'ab🎉' }], 3).map(lineText)).toEqual(['ab', '🎉']);
    expect(wrapLine([{ text: 'a' }, { text: '订单' }], 4).map(lineText)).toEqual(['a订', '单']);
  });
});
