import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The relay's own data (tokens, name reservations, offline queues):
 * `--data-dir` > `HOOKLINE_DATA_DIR` > `$XDG_DATA_HOME/hookline/relay`.
 */
export function resolveRelayDataDir(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const chosen = flag ?? (env.HOOKLINE_DATA_DIR || undefined);
  if (chosen !== undefined) return resolve(cwd, chosen);
  return join(env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'hookline', 'relay');
}
