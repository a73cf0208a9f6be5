import { resolve } from 'node:path';
import { defaultRelayDataDir } from '@hookline/relay';

/**
 * The relay's data dir as `hookline token` finds it: `--data-dir` > `HOOKLINE_DATA_DIR`
 * > the relay's own default, so a token created with no flags is one `hookline relay`
 * started with no flags accepts.
 */
export function resolveRelayDataDir(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const chosen = flag ?? (env.HOOKLINE_DATA_DIR || undefined);
  return chosen === undefined ? defaultRelayDataDir(env) : resolve(cwd, chosen);
}
