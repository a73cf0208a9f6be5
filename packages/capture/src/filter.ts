import { CaptureError } from './errors.js';

/** The keys a filter term may name; anything else is an error, not silently bare text. */
export const FILTER_KEYS = ['method', 'path', 'status', 'header', 'body', 'sig', 'tunnel', 'origin'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

/** One term: `key:value`, or bare text (`any`) matching method, status, path, headers or bodies. */
export interface FilterTerm {
  key: FilterKey | 'any';
  /** Lower-cased. */
  value: string;
}

const SIG_VALUES = ['valid', 'invalid', 'stale', 'no-secret', 'unsigned'];
const ORIGIN_VALUES = ['live', 'replay', 'queued', 'handshake'];
const KEYS = new Set<string>(FILTER_KEYS);

/** `404`, `4xx` or `error`. */
export function isStatusPattern(value: string): boolean {
  return /^[1-5]\d\d$/.test(value) || /^[1-5]xx$/.test(value) || value === 'error';
}

function checkValue(key: FilterKey, value: string): void {
  const bad = (expected: string) => {
    throw new CaptureError('E_BAD_FILTER', `bad value "${value}" for ${key}: ${expected}`);
  };
  if (value === '') bad('give a value, e.g. method:post');
  if (key === 'status' && !isStatusPattern(value)) bad('use a status (404), a class (4xx) or error');
  if (key === 'method' && !/^[a-z]+$/.test(value)) bad('use a method name, e.g. post');
  if (key === 'sig' && !SIG_VALUES.includes(value)) bad(`use one of ${SIG_VALUES.join(', ')}`);
  if (key === 'origin' && !ORIGIN_VALUES.includes(value)) bad(`use one of ${ORIGIN_VALUES.join(', ')}`);
}

/**
 * Parse a filter query: whitespace-separated terms, all of which must match.
 * A term is `key:value` (`method:post`, `status:404`, `status:5xx`, `status:error`,
 * `path:/hooks`, `header:stripe-signature`, `body:invoice`, `sig:invalid`,
 * `tunnel:shop` or `tunnel:*` for every tunnel, `origin:replay`) or bare text.
 * Matching is case-insensitive; `"quoted text"` keeps its spaces and is always
 * bare text. An unknown key or a value a key cannot take throws `E_BAD_FILTER`.
 */
export function parseFilter(query: string): FilterTerm[] {
  const terms: FilterTerm[] = [];
  for (const match of query.matchAll(/(?:([\w-]+):)?(?:"([^"]*)"|(\S*))/g)) {
    if (match[0] === '') continue;
    const prefix = match[1]?.toLowerCase();
    const value = (match[2] ?? match[3] ?? '').toLowerCase();
    if (prefix === undefined) {
      if (value !== '') terms.push({ key: 'any', value });
      continue;
    }
    if (!KEYS.has(prefix)) {
      throw new CaptureError('E_BAD_FILTER', `unknown filter key "${prefix}"; keys: ${FILTER_KEYS.join(', ')}`);
    }
    checkValue(prefix as FilterKey, value);
    terms.push({ key: prefix as FilterKey, value });
  }
  return terms;
}

/** The tunnel a query asks for: a name, `*` for all, or null when it names none. */
export function tunnelOf(terms: readonly FilterTerm[]): string | null {
  return terms.find((term) => term.key === 'tunnel')?.value ?? null;
}
