/** What a command may touch of the process: passed in so tests can drive commands. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly fd?: number };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Run `handler` on SIGINT/SIGTERM (graceful shutdown), once. */
  onSignals(handler: () => void): void;
  offSignals(handler: () => void): void;
  /** Run `handler` on every `signal` (the relay counts them: a second one means "now"). */
  onSignal(signal: NodeJS.Signals, handler: () => void): void;
  /** An uncaught exception or unhandled rejection (the relay logs it as fatal before it exits). */
  onCrash(handler: (error: unknown, kind: 'uncaught exception' | 'unhandled rejection') => void): void;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    onSignals(handler) {
      process.once('SIGINT', handler);
      process.once('SIGTERM', handler);
    },
    offSignals(handler) {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
    onSignal(signal, handler) {
      process.on(signal, handler);
    },
    onCrash(handler) {
      process.on('uncaughtException', (error) => handler(error, 'uncaught exception'));
      process.on('unhandledRejection', (reason) => handler(reason, 'unhandled rejection'));
    },
  };
}
