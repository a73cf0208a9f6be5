import { constants } from 'node:os';
import type { ServiceLogger } from './logger.js';

export interface ShutdownDeps {
  logger: ServiceLogger;
  graceMs: number;
  /** Stop the service (resolves when every connection is closed). */
  stop(graceMs: number): Promise<void>;
  exit(code: number): void;
  onSignal(signal: NodeJS.Signals, handler: () => void): void;
}

/** Time allowed past the grace for the relay to close its sockets before we exit anyway. */
const CLOSE_SLACK_MS = 5_000;

/**
 * First SIGTERM/SIGINT: stop accepting, let exchanges in flight finish within the
 * grace, tell tunnel clients to reconnect, exit 0. A second signal means the
 * operator will not wait: exit at once, with the conventional 128 + signal code.
 */
export function handleShutdownSignals(deps: ShutdownDeps): void {
  const { logger, graceMs } = deps;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now, exchanges in flight are cut');
      return deps.exit(128 + (constants.signals[signal] ?? 0));
    }
    stopping = true;
    // stop() closes the listeners before its first await: start it before saying so, so
    // that whoever reads this line (an orchestrator, a test) finds new connections refused.
    const stopped = deps.stop(graceMs);
    logger.info({ signal, graceMs }, 'relay stopping: no new connections, exchanges in flight may finish');
    // If closing hangs (a socket nobody ends), leave anyway rather than outlive the orchestrator's patience.
    const watchdog = setTimeout(() => {
      logger.error({ graceMs }, 'relay did not close in time; exiting');
      deps.exit(1);
    }, graceMs + CLOSE_SLACK_MS);
    stopped.then(
      () => {
        clearTimeout(watchdog);
        logger.info({}, 'relay stopped');
        deps.exit(0);
      },
      (error: unknown) => {
        clearTimeout(watchdog);
        logger.error({ err: error }, 'relay failed to stop cleanly');
        deps.exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) deps.onSignal(signal, () => onSignal(signal));
}
