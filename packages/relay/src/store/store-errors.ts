import { HooklineError } from '@hookline/protocol';

/**
 * A store the relay cannot start on: a damaged or unreadable file, a data dir in
 * use by another relay. The message is one line an operator can act on (which
 * file, what to do); entry points print it and exit 1 instead of a stack.
 */
export class StoreStartError extends Error {
  readonly path: string;
  constructor(path: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreStartError';
    this.path = path;
  }
}

/** The store cannot write right now (disk full, I/O error): nothing was stored. */
export function storeUnavailable(cause: unknown): HooklineError {
  const code = (cause as { code?: unknown })?.code;
  const why =
    code === 'SQLITE_FULL'
      ? 'the disk is full'
      : typeof code === 'string'
        ? `the store failed (${code})`
        : 'the store failed';
  return new HooklineError('E_STORE_UNAVAILABLE', `${why}; nothing was stored, retry later`, { cause });
}
