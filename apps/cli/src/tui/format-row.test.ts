import { describe, expect, it } from 'vitest';
import { record } from '../test-support/records.js';
import { formatDetail } from './format-detail.js';
import {
  formatRow,
  idWidth,
  listHeader,
  shortSize,
  sigColumnColor,
  sizeLabel,
  statusColor,
  statusLabel,
} from './format-row.js';
import { lineText, wrapLine } from './segments.js';

/** The whole row as drawn: cursor column, then every part. */
const rowText = (parts: ReturnType<typeof formatRow>) =>
  ` ${parts.left}${parts.signature}${parts.status}${parts.right}`;

describe('formatRow', () => {
  it('fits a row and the header in the width, columns aligned, path cut with an ellipsis', () => {
    const long = record({ id: '12345', path: `/webhooks/${'x'.repeat(200)}` });
    for (const width of [79, 120]) {
      const row = rowText(formatRow(long, width, 5));
      const header = listHeader(width, 5);
      expect(row.length).toBeLessThanOrEqual(width);
      expect(header.length).toBe(row.length);
      expect(row.indexOf('200')).toBe(header.indexOf('STATUS'));
    }
    expect(rowText(formatRow(long, 79, 5))).toContain('…');
  });

  it('shows id, time, method, path, status, duration and request → response size', () => {
    const row = record({ id: '7', method: 'DELETE', path: '/a', body: 'x'.repeat(1234), responseBody: 'ok' });
    expect(rowText(formatRow(row, 100))).toMatch(/^ {2}7 \d\d:\d\d:\d\d DELETE {3}\/a\s+200\s+4 ms\s+1\.2 K → 2 B$/);
    expect(listHeader(100)).toMatch(/^ ID TIME {5}METHOD {3}PATH\s+SIG\s+STATUS\s+DURATION\s+SIZE req → res$/);
  });

  it('widens the id column to the longest id shown', () => {
    expect(idWidth([record({ id: '9' }), record({ id: '10234' })])).toBe(5);
    expect(idWidth([])).toBe(2);
    expect(formatRow(record({ id: '10234' }), 100, 5).left).toMatch(/^10234 /);
    expect(formatRow(record({ id: '9' }), 100, 5).left).toMatch(/^ {4}9 /);
  });

  it('shows the status the caller got for an exchange with no response, and why instead of its size', () => {
    const refused = record({ status: null, body: 'x'.repeat(17) });
    expect(formatRow(refused, 100).status.trim()).toBe('502');
    expect(sizeLabel(refused)).toBe('17 B → refused');
    const timedOut = { ...refused, error: { code: 'E_LOCAL_TIMEOUT', message: 'no response head in 30 s' } };
    expect(statusLabel(timedOut)).toBe('504');
    expect(sizeLabel(timedOut)).toBe('17 B → timeout');
    expect(statusLabel({ response: null, error: { code: 'E_SOMETHING_NEW', message: '' } })).toBe('error');
  });

  it('marks replays, queued deliveries and handshakes the relay answered', () => {
    expect(formatRow(record({ origin: 'replay' }), 80).left).toContain('↻/hooks');
    expect(formatRow(record({ origin: 'queued' }), 80).left).toContain('Q/hooks');
    expect(formatRow(record({ origin: 'handshake' }), 80).left).toContain('H/hooks');
  });
});

describe('statusLabel / statusColor', () => {
  it.each([
    [200, '200', 'green'],
    [302, '302', 'cyan'],
    [404, '404', 'yellow'],
    [500, '500', 'red'],
    [null, '502', 'red'],
  ] as const)('%s', (status, label, color) => {
    const r = record({ status });
    expect(statusLabel(r)).toBe(label);
    expect(statusColor(r)).toBe(color);
  });
});

describe('shortSize', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 K'],
    [1234, '1.2 K'],
    [20_480, '20 K'],
    [1_048_575, '1.0 M'],
    [5 * 1024 ** 3, '5.0 G'],
  ])('%d → %s', (bytes, text) => {
    expect(shortSize(bytes)).toBe(text);
    expect(text.length).toBeLessThanOrEqual(5);
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

  it('shows the error of a failed exchange, the status the caller got, and no response sections', () => {
    const lines = formatDetail(record({ status: null }), 80).map(lineText);
    expect(lines[1]).toMatch(/^→ 502 from hookline \(no response\) {2}live via demo/);
    expect(lines).toContain('error   E_LOCAL_REFUSED: connection refused');
    expect(formatDetail(record({ status: null, origin: 'replay' }), 80).map(lineText)[1]).toMatch(/^→ no response /);
    expect(lines.some((l) => l.startsWith('── Response'))).toBe(false);
  });
});

describe('formatDetail signature line', () => {
  const verdict = (status: 'valid' | 'invalid' | 'stale' | 'no-secret') => {
    const signed = { ...record(), signature: { status, provider: 'stripe' as const, reason: null, timestamp: null } };
    return (
      formatDetail(signed, 100)
        .map(lineText)
        .find((line) => line.startsWith('sig')) ?? ''
    );
  };

  it('names the verdict once, with its mark', () => {
    expect(verdict('stale')).toBe('sig     stripe stale');
    expect(verdict('valid')).toBe('sig     stripe ✓ valid');
    expect(verdict('invalid')).toBe('sig     stripe ✗ invalid');
    expect(verdict('no-secret')).toBe('sig     stripe ? no-secret');
  });
});

describe('wrapLine', () => {
  it('splits segments at the width and keeps their style', () => {
    const wrapped = wrapLine([{ text: 'abcd', color: 'red' }, { text: 'efg' }], 3);
    expect(wrapped.map(lineText)).toEqual(['abc', 'def', 'g']);
    expect(wrapped[1]?.[0]).toEqual({ text: 'd', color: 'red' });
  });
});

describe('late queued deliveries in the list and the detail', () => {
  const late = (resigned: boolean) => ({
    ...record({ id: '3' }),
    origin: 'queued' as const,
    signature: {
      status: 'stale' as const,
      provider: 'stripe' as const,
      reason: 'timestamp outside tolerance',
      timestamp: 1,
    },
    late: {
      provider: 'stripe' as const,
      delayS: 612,
      ageS: 614,
      toleranceS: 300,
      resigned,
      message: resigned
        ? 'delivered 612 s late; re-signed with a fresh timestamp'
        : 'delivered 612 s late; your app may reject the signature (add --secret stripe=…)',
    },
  });

  it('marks the SIG column late✓ when re-signed and late! when not, coloured by how it went out', () => {
    expect(formatRow(late(true), 100).signature.trim()).toBe('late✓');
    expect(formatRow(late(false), 100).signature.trim()).toBe('late!');
    expect(sigColumnColor(late(true))).toBe('green');
    expect(sigColumnColor(late(false))).toBe('yellow');
  });

  it('keeps the original verdict in the detail and says how the delivery went out', () => {
    const text = formatDetail(late(false), 120).map(lineText).join('\n');
    expect(text).toMatch(/sig {5}stripe stale: timestamp outside tolerance/);
    expect(text).toContain('late    delivered 612 s late; your app may reject the signature (add --secret stripe=…)');
  });
});

describe('routed exchanges', () => {
  const routed = {
    ...record({ id: '4', path: '/github/push' }),
    route: { match: '/github', target: 'http://127.0.0.1:4000/hooks' },
  };

  it('shows where a route sent it after the path when the row is wide enough, else only in the detail', () => {
    expect(formatRow(routed, 120).left).toContain('/github/push → 127.0.0.1:4000/hooks');
    expect(formatRow(routed, 80).left).not.toContain('→');
    expect(formatDetail(routed, 80).map(lineText).join('\n')).toContain('(route /github)');
  });
});
