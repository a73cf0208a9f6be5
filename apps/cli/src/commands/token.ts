import type { TokenRecord } from '@hookline/relay';
import { resolveRelayDataDir } from '../relay-data-dir.js';
import { UserError } from '../user-error.js';
import type { CliIo } from './io.js';

export interface TokenFlags {
  dataDir?: string;
  /** A cluster's tokens live in its Redis instead of a data dir. */
  redis?: string;
  json?: boolean;
  label?: string;
}

/** `hookline token create|list|revoke`: manage the relay's tokens (stored hashed in its data dir). */
export async function runToken(action: string, id: string | undefined, flags: TokenFlags, io: CliIo): Promise<number> {
  const redisUrl = flags.redis ?? (io.env.HOOKLINE_REDIS_URL || undefined);
  if (redisUrl !== undefined) {
    // Only a cluster's tokens need the cluster code (and ioredis).
    const { openClusterTokens } = await import('@hookline/cluster');
    const cluster = openClusterTokens(redisUrl);
    try {
      return await manage(action, id, flags, io, redisUrl, {
        create: cluster.create,
        list: cluster.list,
        revoke: cluster.revoke,
      });
    } finally {
      await cluster.close();
    }
  }
  const { createToken, listTokens, revokeToken } = await import('@hookline/relay');
  const dataDir = resolveRelayDataDir(flags.dataDir, io.env, io.cwd);
  return manage(action, id, flags, io, dataDir, {
    create: (label) => createToken(dataDir, label),
    list: () => listTokens(dataDir),
    revoke: (tokenId) => revokeToken(dataDir, tokenId),
  });
}

interface TokenBackend {
  create(label: string): Promise<{ token: string; record: TokenRecord }>;
  list(): Promise<TokenRecord[]>;
  revoke(id: string): Promise<TokenRecord | null>;
}

async function manage(
  action: string,
  id: string | undefined,
  flags: TokenFlags,
  io: CliIo,
  where: string,
  store: TokenBackend,
): Promise<number> {
  const out = (text: string) => io.stdout.write(`${text}\n`);
  switch (action) {
    case 'create': {
      const { token, record } = await store.create(flags.label ?? '');
      if (flags.json) out(JSON.stringify({ token, id: record.id, label: record.label, createdAt: record.createdAt }));
      else {
        out(token);
        io.stderr.write(`token ${record.id} created in ${where}; it is shown only once, store it now\n`);
      }
      return 0;
    }
    case 'list': {
      const tokens = (await store.list()).map(({ hash: _hash, ...rest }) => rest);
      if (flags.json) out(JSON.stringify(tokens));
      else if (tokens.length === 0) io.stderr.write(`no tokens in ${where} (hookline token create)\n`);
      else for (const t of tokens) out(`${t.id}  ${t.revokedAt ? 'revoked' : 'active '}  ${t.createdAt}  ${t.label}`);
      return 0;
    }
    case 'revoke': {
      if (!id) throw new UserError('token revoke needs the token id (see hookline token list)');
      const record = await store.revoke(id);
      if (!record) throw new UserError(`no active token with id ${id} in ${where}`);
      if (flags.json) out(JSON.stringify({ id: record.id, revokedAt: record.revokedAt }));
      else out(`revoked ${record.id}`);
      return 0;
    }
    default:
      throw new UserError(`unknown token action "${action}": use create, list or revoke`);
  }
}
