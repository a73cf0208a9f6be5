import { describe, expect, it } from 'vitest';
import { compileFilter } from './filter.js';
import { makeDraft } from './test-support/make-draft.js';
import type { CaptureRecord } from './types.js';

const records: CaptureRecord[] = [
  {
    id: '1',
    ...makeDraft({
      method: 'POST',
      path: '/stripe',
      headers: ['Stripe-Signature', 't=1'],
      body: '{"type":"invoice.paid"}',
    }),
  },
  { id: '2', ...makeDraft({ method: 'GET', path: '/health', headers: [], status: 503 }) },
  { id: '3', ...makeDraft({ method: 'POST', path: '/github', headers: ['X-GitHub-Event', 'push'], status: null }) },
];

function ids(query: string): string[] {
  const matches = compileFilter(query);
  return records.filter(matches).map((r) => r.id);
}

describe('compileFilter', () => {
  it('matches everything when empty', () => {
    expect(ids('  ')).toEqual(['1', '2', '3']);
  });

  it.each([
    ['method:get', ['2']],
    ['status:503', ['2']],
    ['status:5xx', ['2']],
    ['status:2xx', ['1']],
    ['status:error', ['3']],
    ['path:/git', ['3']],
    ['header:stripe-signature', ['1']],
    ['body:invoice', ['1']],
    ['origin:live', ['1', '2', '3']],
    ['origin:replay', []],
  ])('%s', (query, expected) => {
    expect(ids(query)).toEqual(expected);
  });

  it('matches bare text against method, status, path, headers and body, case-insensitively', () => {
    expect(ids('post')).toEqual(['1', '3']);
    expect(ids('503')).toEqual(['2']);
    expect(ids('INVOICE')).toEqual(['1']);
    expect(ids('push')).toEqual(['3']);
  });

  it('requires every term, and keeps quoted spaces', () => {
    expect(ids('post stripe')).toEqual(['1']);
    expect(ids('post health')).toEqual([]);
    expect(ids('body:"invoice.paid"')).toEqual(['1']);
    expect(ids('"type":"invoice')).toEqual(['1']);
  });
});
