import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { DurableJsonFile } from './durable-file.js';

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

export const TOKEN_FILE = 'tokens.json';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

async function openTokenFile(dataDir: string): Promise<Low<TokenFile>> {
  const db = new Low<TokenFile>(new DurableJsonFile(join(dataDir, TOKEN_FILE)), { tokens: [] });
  await db.read();
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
}

/**
 * Verifier over the token file (re-read when its mtime changes, so `token
 * revoke` takes effect without a restart) plus fixed tokens from the
 * environment. Compares sha256 digests in constant time against every entry.
 */
export function createTokenVerifier(options: {
  dataDir?: string | undefined;
  tokens?: readonly string[];
}): TokenVerifier {
  const fixed = (options.tokens ?? []).map((token) => ({ id: hashToken(token).slice(0, 12), hash: hashToken(token) }));
  const path = options.dataDir ? join(options.dataDir, TOKEN_FILE) : null;
  let loadedAt = -1;
  let stored: Array<{ id: string; hash: string }> = [];

  const refresh = (): void => {
    if (!path) return;
    let mtime: number;
    try {
      mtime = statSync(path).mtimeMs;
    } catch {
      stored = [];
      return;
    }
    if (mtime === loadedAt) return;
    try {
      const file = JSON.parse(readFileSync(path, 'utf8')) as TokenFile;
      stored = file.tokens.filter((token) => !token.revokedAt);
      loadedAt = mtime;
    } catch {
      // A file being replaced mid-read: keep the previous list until the next check.
    }
  };

  return {
    verify(token) {
      if (!token) return null;
      refresh();
      const candidate = Buffer.from(hashToken(token), 'hex');
      let match: string | null = null;
      for (const entry of [...fixed, ...stored]) {
        if (timingSafeEqual(Buffer.from(entry.hash, 'hex'), candidate)) match = entry.id;
      }
      return match;
    },
  };
}
