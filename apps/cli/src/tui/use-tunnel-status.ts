import { useEffect, useState } from 'react';
import type { StatusSource, TunnelView } from './sources.js';

/** The tunnel's state, re-read on change and every second while a reconnect counts down. */
export function useTunnelStatus(source: StatusSource, frozen: boolean): { view: TunnelView; now: number } {
  const [view, setView] = useState(() => source.get());
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => source.subscribe(() => setView(source.get())), [source]);
  useEffect(() => {
    if (view.state !== 'reconnecting' || frozen) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [view, frozen]);
  return { view, now };
}
