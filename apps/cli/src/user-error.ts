import { HooklineError } from '@hookline/protocol';

/**
 * A mistake the user can fix (bad flag, unreachable relay, name taken): printed
 * as one clear line, exit code 1. Anything else is a bug: stack trace, exit 2.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** Coded errors that describe the user's situation, not a bug in hookline. */
const USER_CODES = new Set([
  'E_BAD_REQUEST',
  'E_UNAUTHORIZED',
  'E_NAME_TAKEN',
  'E_NAME_INVALID',
  'E_VERSION',
  'E_RELAY_UNREACHABLE',
  'E_TUNNEL_CLOSED',
  'E_RATE_LIMITED',
  'E_TOO_MANY_TUNNELS',
  'E_NAME_IN_USE',
  'E_TOO_MANY_NAMES',
  'E_QUEUE_NOT_EMPTY',
]);

/**
 * A relay store that cannot be used (damaged file, data dir in use) names the file
 * and what to do: the operator's to fix. Matched by name: importing the relay
 * package here would load it for every command.
 */
const USER_ERROR_NAMES = new Set(['StoreStartError']);

export function isUserError(error: unknown): error is Error {
  return (
    error instanceof UserError ||
    (error instanceof HooklineError && USER_CODES.has(error.code)) ||
    (error instanceof Error && USER_ERROR_NAMES.has(error.name))
  );
}

/** The one line a user sees for a user error, with its code when it has one. */
export function userErrorLine(error: Error): string {
  return error instanceof HooklineError ? `hookline: ${error.message} (${error.code})` : `hookline: ${error.message}`;
}
