import { type CaptureListing, type CaptureStore, parseFilter, tunnelOf } from '@hookline/capture';
import { type CaptureSummary, summarize } from '../inspector/capture-summary.js';

/** What the list needs of the store: listings in memory, the filter run in the database. */
export type PageSource = Pick<CaptureStore, 'list' | 'matchingIds'>;

export interface PageQuery {
  /** The filter language of `parseFilter`; a bad one throws `E_BAD_FILTER`. */
  filter: string;
  /** Only ids below this one (the next page of an older part of the list). */
  before: number | null;
  /** Only ids above this one (what arrived since the newest the page holds). */
  after: number | null;
  limit: number;
  /** The tunnel the list keeps to unless the filter names one (`tunnel:*` for all), as in the TUI. */
  tunnel: string | null;
}

export interface CapturePage {
  /** Newest first. */
  captures: CaptureSummary[];
  /** Matching captures in the whole history (within the tunnel scope). */
  total: number;
  /** Pass as `before` for the next, older page; null when this one reaches the oldest. */
  next: string | null;
}

/**
 * One page of the list, newest first, paged by id (ids only grow, so a page
 * never shifts as captures arrive). Same rules as the TUI's list: the listings
 * in memory are the list, the database says which ids a filter matches, and the
 * list keeps to this tunnel unless the filter names one.
 */
export async function capturePage(source: PageSource, query: PageQuery): Promise<CapturePage> {
  const filter = query.filter.trim();
  const scope = tunnelOf(parseFilter(filter)) === null ? query.tunnel : null;
  const ids = filter === '' ? null : await source.matchingIds({ filter, tunnel: null });
  const matches = (listing: CaptureListing) =>
    (scope === null || listing.tunnel === scope) && (ids === null || ids.has(listing.id));
  const listings = source.list();
  const captures: CaptureSummary[] = [];
  let total = 0;
  let next: string | null = null;
  for (let i = listings.length - 1; i >= 0; i -= 1) {
    const listing = listings[i] as CaptureListing;
    if (!matches(listing)) continue;
    total += 1;
    const id = Number(listing.id);
    if ((query.before !== null && id >= query.before) || (query.after !== null && id <= query.after)) continue;
    if (captures.length < query.limit) captures.push(summarize(listing));
    else next ??= (captures[captures.length - 1] as CaptureSummary).id;
  }
  return { captures, total, next };
}
