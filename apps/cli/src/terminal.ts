import type { CliIo } from './commands/io.js';

/** The two ends the inspector needs: keys in, screen out. */
export interface Terminal {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

/**
 * The process's terminal when both stdin and stdout are TTYs, else null (then
 * `hookline http` logs lines). `CliIo` carries no stdin yet, so this reads
 * `process.stdin` when `io` does not provide one.
 */
export function interactiveTerminal(io: CliIo & { stdin?: NodeJS.ReadStream }): Terminal | null {
  const stdout = io.stdout as NodeJS.WriteStream;
  const stdin = io.stdin ?? process.stdin;
  return stdout.isTTY && stdin.isTTY ? { stdin, stdout } : null;
}
