import { type CaptureListing, parseFilter, tunnelOf } from '@hookline/capture';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CaptureSource } from './sources.js';

/** Coalesce bursts: at most one list rebuild per this many ms. */
const THROTTLE_MS = 100;

export interface VisibleCaptures {
  /** Matching captures, newest first. */
  visible: readonly CaptureListing[];
  ids: readonly string[];
  /** All captures held (before the filter and the tunnel scope). */
  total: number;
  /** Captures that arrived while frozen. */
  waiting: number;
  /** Why the filter as typed cannot run (the last good result stays on screen). */
  filterError: string | null;
  /** The tunnel the list is limited to, or null for every tunnel. */
  scope: string | null;
}

type Matching = { filter: string; ids: Set<string> | null };

/**
 * The list the inspector shows. New captures are picked up at most every 100 ms,
 * and not at all while `frozen` (paused, or the terminal is lent to an editor),
 * so a burst of webhooks costs one rebuild, not one per webhook. Without a filter
 * the listings in memory are the list; with one, the database says which ids
 * match (the filter runs as it is typed; a query that is still running leaves
 * the last result on screen). `tunnel` limits the list to the tunnel this
 * inspector serves unless the filter names one (`tunnel:*` for all).
 */
export function useCaptures(
  source: CaptureSource,
  filter: string,
  frozen: boolean,
  tunnel: string | null = null,
): VisibleCaptures {
  const [version, setVersion] = useState(0);
  const [waiting, setWaiting] = useState(0);
  const [matching, setMatching] = useState<Matching>({ filter: '', ids: null });
  const [filterError, setFilterError] = useState<string | null>(null);
  const frozenRef = useRef(frozen);
  frozenRef.current = frozen;
  const arrived = useRef(0);

  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    const unsubscribe = source.subscribe(() => {
      arrived.current += 1;
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (frozenRef.current) return setWaiting(arrived.current);
        arrived.current = 0;
        setVersion((v) => v + 1);
      }, THROTTLE_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [source]);

  // Unfreezing picks up whatever arrived meanwhile.
  useEffect(() => {
    if (frozen) return;
    arrived.current = 0;
    setWaiting(0);
    setVersion((v) => v + 1);
  }, [frozen]);

  const query = filter.trim();
  const parsed = useMemo(() => {
    try {
      return { scope: tunnelOf(parseFilter(query)) === null ? tunnel : null, error: null };
    } catch (error) {
      return { scope: tunnel, error: (error as Error).message };
    }
  }, [query, tunnel]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: version is the store's change counter
  useEffect(() => {
    if (parsed.error !== null) return setFilterError(parsed.error);
    setFilterError(null);
    if (query === '') return setMatching({ filter: '', ids: null });
    let current = true;
    source.matchingIds({ filter: query, tunnel: null }).then(
      (ids) => {
        if (current) setMatching({ filter: query, ids });
      },
      (error: Error) => {
        if (current) setFilterError(error.message);
      },
    );
    return () => {
      current = false;
    };
  }, [source, query, parsed, version]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: version is the store's change counter
  const all = useMemo(() => source.list().slice().reverse(), [source, version]);
  const scope = parsed.scope;
  const visible = useMemo(() => {
    const ids = matching.ids;
    return all.filter(
      (listing) => (scope === null || listing.tunnel === scope) && (ids === null || ids.has(listing.id)),
    );
  }, [all, matching, scope]);
  const ids = useMemo(() => visible.map((listing) => listing.id), [visible]);
  return { visible, ids, total: all.length, waiting: frozen ? waiting : 0, filterError, scope };
}
