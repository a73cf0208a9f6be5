/** @module the `hookline` command line. Only this file touches process state. */
import { CommanderError } from 'commander';
import { processIo } from './commands/io.js';
import { buildProgram } from './program.js';
import { isUserError, userErrorLine } from './user-error.js';

async function main(): Promise<void> {
  const io = processIo();
  const program = buildProgram(io, (code) => {
    process.exitCode = code;
    // Sockets and timers are closed by then; exit promptly anyway.
    setImmediate(() => process.exit(code));
  });
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed help, the version or the usage error.
      process.exit(error.exitCode === 0 ? 0 : 1);
    }
    if (isUserError(error)) {
      process.stderr.write(`${userErrorLine(error)}\n`);
      process.exit(1);
    }
    process.stderr.write(
      `hookline: unexpected error (a bug; please report it)\n${(error as Error)?.stack ?? String(error)}\n`,
    );
    process.exit(2);
  }
}

await main();
