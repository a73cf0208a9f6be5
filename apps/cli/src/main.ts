/** @module the `hookline` command line. Only this file touches process state. */
import { CommanderError } from 'commander';
import { processIo } from './commands/io.js';
import { buildProgram } from './program.js';
import { isUserError, userErrorLine } from './user-error.js';

async function main(): Promise<void> {
  const io = processIo();
  const program = buildProgram(io, (code) => {
    process.exitCode = code;
    // Sockets and timers are closed by then; exit promptly anyway, but only once
    // stdout and stderr are written out: a pipe is written asynchronously, and
    // exiting at once cut `export --curl … | sh` short (a partial body, exit 0).
    let pending = 2;
    const done = () => {
      pending -= 1;
      if (pending === 0) process.exit(code);
    };
    process.stdout.write('', done);
    process.stderr.write('', done);
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
