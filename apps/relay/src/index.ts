/**
 * @module @hookline/relay-service — the relay program: one settings table (flags,
 * `HOOKLINE_*` env, config file), pino logs, metrics, TLS and graceful shutdown
 * around `createRelay`. `hookline relay` (apps/cli) and the image's `main.ts` both
 * run `runRelayProgram`, so they are one program with two ways to ship it.
 *
 * @example
 * const code = await runRelayProgram(process.argv.slice(2), { program: 'hookline-relay', ... });
 * process.exit(code);
 */
export { type RelayProgramIo, runRelayProgram } from './relay-program.js';
