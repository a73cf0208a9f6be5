import { resolve } from 'node:path';
import { defaultDataDir } from '@hookline/capture';

/** Where captures live: `--data-dir` > `HOOKLINE_DATA_DIR` > `$XDG_STATE_HOME/hookline`. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const chosen = flag ?? (env.HOOKLINE_DATA_DIR || undefined);
  return chosen === undefined ? defaultDataDir(env) : resolve(cwd, chosen);
}
