import type { Tunnel, TunnelState } from '@hookline/client';
import type { StatusSource, TunnelView } from '../tui/sources.js';

function view(state: TunnelState, url: string, target: string, now: number): TunnelView {
  switch (state.state) {
    case 'online':
      return { url: state.urls[0] ?? url, target, state: 'online' };
    case 'connecting':
      return { url, target, state: 'connecting' };
    case 'reconnecting':
      return { url, target, state: 'reconnecting', retryAt: now + state.delayMs, reason: state.reason };
    case 'failed':
      return { url, target, state: 'offline', reason: `${state.message} (${state.code})` };
    case 'closed':
      return { url, target, state: 'offline' };
  }
}

/** The tunnel's state as the inspector's header shows it. */
export function tunnelStatusSource(tunnel: Tunnel, now: () => number = Date.now): StatusSource {
  const target = tunnel.target.origin;
  // The relay's queue counts (queued tunnels only) ride along with the connection state.
  const withQueue = (base: TunnelView): TunnelView => {
    const named = tunnel.name ? { ...base, name: tunnel.name } : base;
    return tunnel.queue ? { ...named, queue: tunnel.queue } : named;
  };
  let current = withQueue(view(tunnel.state, tunnel.url, target, now()));
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  tunnel.on('state', (state) => {
    current = withQueue(view(state, tunnel.url, target, now()));
    changed();
  });
  tunnel.on('queue', () => {
    current = withQueue(current);
    changed();
  });
  return {
    get: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
