import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import type { RelayLogger } from '../options.js';
import { DurableJsonFile } from './durable-file.js';
import { StoreStartError } from './store-errors.js';

/** One token as stored: never the token itself, only its sha256. */
export interface TokenRecord {
  id: string;
  /** sha256 of the token, hex. */
  hash: string;
  label: string;
  createdAt: string;
  revokedAt?: string;
}

interface TokenFile {
  tokens: TokenRecord[];
}

const TOKEN_FILE = 'tokens.json';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const tokenFileSchema = z.object({
  tokens: z.array(
    z.looseObject({
      id: z.string().min(1),
      hash: z.string().regex(/^[0-9a-f]{64}$/, 'a token hash is not 64 hex digits'),
      label: z.string(),
      createdAt: z.string(),
      revokedAt: z.string().optional(),
    }),
  ),
});

/** The one line for a token file that cannot be trusted: which file, what is wrong, what to do. */
function damagedTokenFile(path: string, problem: string): StoreStartError {
  return new StoreStartError(
    path,
    `token file ${path} is damaged (${problem}): restore it from a backup, or move it aside and create new tokens` +
      ' (`hookline token create`)',
  );
}

/** Parse a token file's text; a damaged one is a StoreStartError, never an empty list. */
function parseTokenFile(path: string, text: string): TokenFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw damagedTokenFile(path, 'not valid JSON');
  }
  const parsed = tokenFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw damagedTokenFile(path, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'bad shape'}`);
  }
  return parsed.data as TokenFile;
}

/** The token file for `hookline token`; a damaged one is refused with the same line as at relay start. */
async function openTokenFile(dataDir: string): Promise<Low<TokenFile>> {
  const path = join(dataDir, TOKEN_FILE);
  const db = new Low<TokenFile>(new DurableJsonFile(path), { tokens: [] });
  let text: string | null = null;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw damagedTokenFile(path, (error as Error).message);
  }
  if (text !== null) db.data = parseTokenFile(path, text);
  return db;
}

/**
 * Create a token: shown once, stored hashed. Only the `hookline token` command
 * writes the token file; a running relay just re-reads it when it changes.
 */
export async function createToken(dataDir: string, label = ''): Promise<{ token: string; record: TokenRecord }> {
  const db = await openTokenFile(dataDir);
  const token = `hl_${randomBytes(24).toString('base64url')}`;
  const record: TokenRecord = {
    id: hashToken(token).slice(0, 12),
    hash: hashToken(token),
    label,
    createdAt: new Date().toISOString(),
  };
  db.data.tokens.push(record);
  await db.write();
  return { token, record };
}

export async function listTokens(dataDir: string): Promise<TokenRecord[]> {
  return (await openTokenFile(dataDir)).data.tokens;
}

/** Revoke by id; returns the record, or null when no live token has that id. */
export async function revokeToken(dataDir: string, id: string): Promise<TokenRecord | null> {
  const db = await openTokenFile(dataDir);
  const record = db.data.tokens.find((token) => token.id === id && !token.revokedAt);
  if (!record) return null;
  record.revokedAt = new Date().toISOString();
  await db.write();
  return record;
}

export interface TokenVerifier {
  /** The token's id when valid and not revoked, else null. */
  verify(token: string | undefined): string | null;
  /** Read the store now; a damaged one throws StoreStartError (called at relay start). */
  load?(): void;
}

/**
 * Verifier over the token file (re-read when its mtime changes, so `token
 * revoke` takes effect without a restart) plus fixed tokens from the
 * environment. Compares sha256 digests in constant time against every entry.
 *
 * A damaged file at start stops the relay (`load`). One that becomes damaged
 * while it runs (an operator's bad edit) keeps the last good list and is logged
 * once: every valid token silently turning 401 is the failure this prevents.
 */
export function createTokenVerifier(options: {
  dataDir?: string | undefined;
  tokens?: readonly string[];
  logger?: RelayLogger;
}): TokenVerifier {
  const fixed = (options.tokens ?? []).map((token) => ({ id: hashToken(token).slice(0, 12), digest: digestOf(token) }));
  const path = options.dataDir ? join(options.dataDir, TOKEN_FILE) : null;
  let loadedAt = -1;
  let reported = -1;
  let stored: Array<{ id: string; digest: Buffer }> = [];

  const read = (mtime: number): void => {
    if (!path) return;
    const file = parseTokenFile(path, readFileSync(path, 'utf8'));
    stored = file.tokens
      .filter((token) => !token.revokedAt)
      .map((token) => ({ id: token.id, digest: Buffer.from(token.hash, 'hex') }));
    loadedAt = mtime;
  };
  const mtimeOf = (): number | null => {
    if (!path) return null;
    try {
      return statSync(path).mtimeMs;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw damagedTokenFile(path, (error as Error).message);
    }
  };
  const refresh = (): void => {
    const mtime = mtimeOf();
    if (mtime === null) {
      stored = [];
      return;
    }
    if (mtime === loadedAt || mtime === reported) return;
    try {
      read(mtime);
    } catch (error) {
      // Also a file caught mid-replace; the next change of mtime is read again.
      reported = mtime;
      options.logger?.error(
        { file: path, err: (error as Error).message },
        'token file unreadable: keeping the last good tokens',
      );
    }
  };

  return {
    load() {
      const mtime = mtimeOf();
      if (mtime !== null) read(mtime);
    },
    verify(token) {
      if (!token) return null;
      refresh();
      const candidate = digestOf(token);
      let match: string | null = null;
      for (const entry of fixed) if (timingSafeEqual(entry.digest, candidate)) match = entry.id;
      for (const entry of stored) if (timingSafeEqual(entry.digest, candidate)) match = entry.id;
      return match;
    },
  };
}

function digestOf(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
