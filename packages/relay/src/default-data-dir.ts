import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where a relay keeps tokens, name reservations and offline queues when no data
 * dir is given: `$XDG_DATA_HOME/hookline/relay` (`~/.local/share/hookline/relay`).
 * One place, because `hookline token` must write where the relay reads.
 */
export function defaultRelayDataDir(env: NodeJS.ProcessEnv): string {
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'hookline', 'relay');
}
