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

/**
 * A `HooklineError` (or its `ProtocolError`), matched by name for the same reason:
 * importing the protocol package here would load it (and zod) for `--version`.
 */
function hooklineCode(error: unknown): string | null {
  if (!(error instanceof Error) || (error.name !== 'HooklineError' && error.name !== 'ProtocolError')) return null;
  const { code } = error as Error & { code?: unknown };
  return typeof code === 'string' ? code : null;
}

export function isUserError(error: unknown): error is Error {
  const code = hooklineCode(error);
  return (
    error instanceof UserError ||
    (code !== null && USER_CODES.has(code)) ||
    (error instanceof Error && USER_ERROR_NAMES.has(error.name))
  );
}

/** The one line a user sees for a user error, with its code when it has one. */
export function userErrorLine(error: Error): string {
  const code = hooklineCode(error);
  return code === null ? `hookline: ${error.message}` : `hookline: ${error.message} (${code})`;
}
