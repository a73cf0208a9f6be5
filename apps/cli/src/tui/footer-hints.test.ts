import { describe, expect, it } from 'vitest';
import { footerHints } from './footer-hints.js';

describe('footerHints', () => {
  it('offers p pause while live and p resume while paused', () => {
    expect(footerHints({ mode: { kind: 'list' }, paused: false })).toContain('p pause');
    const paused = footerHints({ mode: { kind: 'list' }, paused: true });
    expect(paused).toContain('p resume');
    expect(paused).not.toContain('pause');
  });

  it('has the hints of the view', () => {
    expect(footerHints({ mode: { kind: 'help' }, paused: true })).toBe('any key: back');
  });
});
