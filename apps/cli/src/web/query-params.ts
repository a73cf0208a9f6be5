import { WebError } from './web-errors.js';

/** A whole number from a query parameter within bounds, or `fallback` when absent; else 400 `E_BAD_REQUEST`. */
export function intParam(
  value: string | undefined,
  name: string,
  bounds: { min: number; max: number },
  fallback: number | null,
): number | null {
  if (value === undefined || value === '') return fallback;
  const number = /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= bounds.min && number <= bounds.max)) {
    throw new WebError(400, 'E_BAD_REQUEST', `${name} must be a whole number from ${bounds.min} to ${bounds.max}`);
  }
  return number;
}

/** A filter query, bounded like a line typed in the TUI. */
export function filterParam(value: string | undefined, maxChars: number): string {
  const filter = value ?? '';
  if (filter.length > maxChars) throw new WebError(400, 'E_BAD_REQUEST', `a filter is at most ${maxChars} characters`);
  return filter;
}
