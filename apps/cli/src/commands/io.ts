/** What a command may touch of the process: passed in so tests can drive commands. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Run `handler` on SIGINT/SIGTERM (graceful shutdown). */
  onSignals(handler: () => void): void;
  offSignals(handler: () => void): void;
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
  };
}
