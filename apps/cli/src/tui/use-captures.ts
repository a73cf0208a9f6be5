import { type CaptureRecord, compileFilter } from '@hookline/capture';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CaptureSource } from './sources.js';

/** Coalesce bursts: at most one list rebuild per this many ms. */
const THROTTLE_MS = 100;

export interface VisibleCaptures {
  /** Matching captures, newest first. */
  visible: readonly CaptureRecord[];
  ids: readonly string[];
  /** All captures held (before the filter). */
  total: number;
  /** Captures that arrived while frozen. */
  waiting: number;
}

/**
 * The list the inspector shows. New captures are picked up at most every 100 ms,
 * and not at all while `frozen` (paused, or the terminal is lent to an editor),
 * so a burst of webhooks costs one rebuild, not one per webhook.
 */
export function useCaptures(source: CaptureSource, filter: string, frozen: boolean): VisibleCaptures {
  const [version, setVersion] = useState(0);
  const [waiting, setWaiting] = useState(0);
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

  // biome-ignore lint/correctness/useExhaustiveDependencies: version is the store's change counter
  const all = useMemo(() => source.list().slice().reverse(), [source, version]);
  const visible = useMemo(() => (filter ? all.filter(compileFilter(filter)) : all), [all, filter]);
  const ids = useMemo(() => visible.map((record) => record.id), [visible]);
  return { visible, ids, total: all.length, waiting: frozen ? waiting : 0 };
}
