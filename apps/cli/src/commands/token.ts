import { resolveRelayDataDir } from '../relay-data-dir.js';
import { UserError } from '../user-error.js';
import type { CliIo } from './io.js';

export interface TokenFlags {
  dataDir?: string;
  json?: boolean;
  label?: string;
}

/** `hookline token create|list|revoke`: manage the relay's tokens (stored hashed in its data dir). */
export async function runToken(action: string, id: string | undefined, flags: TokenFlags, io: CliIo): Promise<number> {
  const { createToken, listTokens, revokeToken } = await import('@hookline/relay');
  const dataDir = resolveRelayDataDir(flags.dataDir, io.env, io.cwd);
  const out = (text: string) => io.stdout.write(`${text}\n`);
  switch (action) {
    case 'create': {
      const { token, record } = await createToken(dataDir, flags.label ?? '');
      if (flags.json) out(JSON.stringify({ token, id: record.id, label: record.label, createdAt: record.createdAt }));
      else {
        out(token);
        io.stderr.write(`token ${record.id} created in ${dataDir}; it is shown only once, store it now\n`);
      }
      return 0;
    }
    case 'list': {
      const tokens = (await listTokens(dataDir)).map(({ hash: _hash, ...rest }) => rest);
      if (flags.json) out(JSON.stringify(tokens));
      else if (tokens.length === 0) io.stderr.write(`no tokens in ${dataDir} (hookline token create)\n`);
      else for (const t of tokens) out(`${t.id}  ${t.revokedAt ? 'revoked' : 'active '}  ${t.createdAt}  ${t.label}`);
      return 0;
    }
    case 'revoke': {
      if (!id) throw new UserError('token revoke needs the token id (see hookline token list)');
      const record = await revokeToken(dataDir, id);
      if (!record) throw new UserError(`no active token with id ${id} in ${dataDir}`);
      if (flags.json) out(JSON.stringify({ id: record.id, revokedAt: record.revokedAt }));
      else out(`revoked ${record.id}`);
      return 0;
    }
    default:
      throw new UserError(`unknown token action "${action}": use create, list or revoke`);
  }
}
