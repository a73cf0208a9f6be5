/**
 * A mistake the operator can fix (bad flag, unreadable file, port in use): main
 * prints its message as one line on stderr and exits 1. Anything else is a bug.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
