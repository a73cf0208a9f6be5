import { homedir } from 'node:os';
import { join } from 'node:path';

/** File names inside a data dir. */
export const STORE_FILE = 'captures.db';
/** The lowdb file of hookline before the SQLite log: imported once, then renamed `.migrated`. */
export const LEGACY_STORE_FILE = 'captures.json';
export const LOCK_FILE = 'hookline.lock';

/**
 * Where captures live: `$XDG_STATE_HOME/hookline`, else `~/.local/state/hookline`
 * (the XDG default), unless the user passed `--data-dir`.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const state = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'hookline');
}
