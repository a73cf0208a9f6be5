import { describe, expect, it } from 'vitest';
import { record } from '../test-support/records.js';
import { formatDetail } from './format-detail.js';
import { formatRow, listHeader, statusColor, statusLabel } from './format-row.js';
import { lineText, wrapLine } from './segments.js';

const rowText = (parts: ReturnType<typeof formatRow>) => parts.left + parts.status + parts.right;

describe('formatRow', () => {
  it('fits a row and the header in the width, path cut with an ellipsis', () => {
    const long = record({ path: `/webhooks/${'x'.repeat(200)}` });
    for (const width of [79, 120]) {
      expect(rowText(formatRow(long, width)).length).toBeLessThan(width);
      expect(listHeader(width).length).toBeLessThan(width);
    }
    expect(rowText(formatRow(long, 79))).toContain('…');
  });

  it('shows time, method, path, status, duration and size', () => {
    const text = rowText(formatRow(record({ method: 'DELETE', path: '/a', responseBody: 'x'.repeat(2048) }), 100));
    expect(text).toMatch(/^\d\d:\d\d:\d\d DELETE {3}\/a\s+200\s+4 ms\s+2\.0 KiB$/);
  });

  it('marks replays and queued deliveries', () => {
    expect(formatRow(record({ origin: 'replay' }), 80).left).toContain('↻/hooks');
    expect(formatRow(record({ origin: 'queued' }), 80).left).toContain('Q/hooks');
  });
});

describe('statusLabel / statusColor', () => {
  it.each([
    [200, '200', 'green'],
    [302, '302', 'cyan'],
    [404, '404', 'yellow'],
    [500, '500', 'red'],
    [null, 'refused', 'red'],
  ] as const)('%s', (status, label, color) => {
    const r = record({ status });
    expect(statusLabel(r)).toBe(label);
    expect(statusColor(r)).toBe(color);
  });
});

describe('formatDetail', () => {
  it('lists summary, timing, headers and bodies, wrapped to the width', () => {
    const lines = formatDetail(record({ headers: ['X-Long', 'v'.repeat(150)], body: '{"a":1}' }), 60).map(lineText);
    expect(lines[0]).toBe('#1 POST /hooks');
    expect(lines[1]).toMatch(/^→ 200 OK {2}live via demo/);
    expect(lines[2]).toMatch(/^timing {2}started \d\d:\d\d:\d\d\.\d{3} · wait 3 ms · total 4 ms$/);
    expect(lines).toContain('── Request headers ');
    expect(lines).toContain('  "a": 1');
    expect(lines).toContain('── Response body (2 B) ');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(60);
  });

  it('shows the error of a failed exchange and no response sections', () => {
    const lines = formatDetail(record({ status: null }), 80).map(lineText);
    expect(lines).toContain('error   E_LOCAL_REFUSED: connection refused');
    expect(lines.some((l) => l.startsWith('── Response'))).toBe(false);
  });
});

describe('wrapLine', () => {
  it('splits segments at the width and keeps their style', () => {
    const wrapped = wrapLine([{ text: 'abcd', color: 'red' }, { text: 'efg' }], 3);
    expect(wrapped.map(lineText)).toEqual(['abc', 'def', 'g']);
    expect(wrapped[1]?.[0]).toEqual({ text: 'd', color: 'red' });
  });
});
