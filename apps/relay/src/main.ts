/**
 * @module `hookline-relay`: the relay program as the container image and the
 * self-contained bundle run it (the same program as `hookline relay`). Only this
 * file reads argv and env, exits, and installs signal and crash handlers.
 */
import packageJson from '../package.json' with { type: 'json' };
import { runRelayProgram } from './relay-program.js';

const code = await runRelayProgram(process.argv.slice(2), {
  program: 'hookline-relay',
  version: packageJson.version,
  env: process.env,
  cwd: process.cwd(),
  stdout: process.stdout,
  stderr: process.stderr,
  onSignal: (signal, handler) => process.on(signal, handler),
  onCrash(handler) {
    process.on('uncaughtException', (error) => handler(error, 'uncaught exception'));
    process.on('unhandledRejection', (reason) => handler(reason, 'unhandled rejection'));
  },
});
process.exit(code);
