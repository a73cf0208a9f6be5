import type { CliIo } from './io.js';

/**
 * `hookline relay [settings]`: the relay program itself (`@hookline/relay-service`,
 * the image's entry too), so flags, env, config file, logs, metrics, TLS, graceful
 * shutdown and every default are the image's. Its arguments are passed on untouched
 * for the program's own parser: one flag table, one --help.
 */
export async function runRelay(args: readonly string[], io: CliIo, version: string): Promise<number> {
  // Loaded here: pino, prom-client and the relay are not on the way to `hookline --version`.
  const { runRelayProgram } = await import('@hookline/relay-service');
  return runRelayProgram(args, {
    program: 'hookline relay',
    version,
    env: io.env,
    cwd: io.cwd,
    stdout: io.stdout,
    stderr: io.stderr,
    onSignal: io.onSignal,
    onCrash: io.onCrash,
  });
}
