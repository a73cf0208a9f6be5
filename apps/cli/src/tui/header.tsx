import { Box, Text } from 'ink';
import type { TunnelView } from './sources.js';

export interface HeaderProps {
  tunnel: TunnelView;
  now: number;
  total: number;
  shown: number;
  filter: string;
  /** The tunnel the list is limited to (null: every tunnel). */
  scope?: string | null;
  paused: boolean;
  waiting: number;
}

function stateText(tunnel: TunnelView, now: number): { text: string; color: 'green' | 'yellow' | 'red' } {
  switch (tunnel.state) {
    case 'online':
      return { text: '● online', color: 'green' };
    case 'connecting':
      return { text: '● connecting', color: 'yellow' };
    case 'reconnecting': {
      const seconds = Math.ceil(((tunnel.retryAt ?? now) - now) / 1000);
      return { text: seconds > 0 ? `● reconnecting in ${seconds}s` : '● reconnecting…', color: 'yellow' };
    }
    case 'offline':
      return { text: '● offline', color: 'red' };
  }
}

/** Two lines: the tunnel (state, URL → target) and the counts (filter, pause). */
export function Header({ tunnel, now, total, shown, filter, scope = null, paused, waiting }: HeaderProps) {
  const state = stateText(tunnel, now);
  // Say so when the list leaves other tunnels' captures out: they are not lost.
  const scoped = scope !== null && shown < total ? ` · ${shown} of this tunnel (tunnel:* for all)` : '';
  const counts = `${total} captured${filter ? ` · ${shown} shown · filter: ${filter}` : scoped}`;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>hookline </Text>
        <Text color={state.color}>{state.text}</Text>
        <Text> {tunnel.url}</Text>
        <Text dimColor> → {tunnel.target}</Text>
      </Text>
      <Text wrap="truncate-end">
        <Text dimColor>{counts}</Text>
        {tunnel.queue ? (
          <Text color={tunnel.queue.failed > 0 ? 'red' : 'cyan'}>{` · queue: ${queueText(tunnel.queue)}`}</Text>
        ) : null}
        {paused ? <Text color="yellow"> · paused{waiting > 0 ? ` (${waiting} new)` : ''}</Text> : null}
        {tunnel.reason && tunnel.state !== 'online' ? <Text color="yellow"> · {tunnel.reason}</Text> : null}
      </Text>
    </Box>
  );
}

/** The drain's progress: "3 waiting, 12 delivered, 1 failed" (delivered: since this connection). */
function queueText(queue: NonNullable<TunnelView['queue']>): string {
  const parts = [`${queue.pending} waiting`];
  if (queue.delivered) parts.push(`${queue.delivered} delivered`);
  if (queue.failed > 0) parts.push(`${queue.failed} failed`);
  return parts.join(', ');
}
