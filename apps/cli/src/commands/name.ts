import { loadFileConfig, pick } from '../config.js';
import { UserError } from '../user-error.js';
import type { CliIo } from './io.js';

/** `hookline name release <name>`: the owner frees a reserved name on the relay (nobody else can). */
export async function runName(
  action: string,
  name: string,
  flags: { relay?: string; token?: string },
  io: CliIo,
): Promise<number> {
  if (action !== 'release') throw new UserError(`unknown name action "${action}": use release`);
  const file = loadFileConfig(io.cwd, io.env);
  const relay = pick(flags.relay, io.env.HOOKLINE_RELAY, file.relay)?.split(',')[0];
  const token = pick(flags.token, io.env.HOOKLINE_TOKEN, file.token);
  if (!relay) throw new UserError('name release needs a relay: --relay <url> (or HOOKLINE_RELAY)');
  if (!token) throw new UserError('name release needs the token that owns the name: --token <t> (or HOOKLINE_TOKEN)');
  let res: Response;
  try {
    res = await fetch(`${relay.replace(/\/+$/, '')}/_hookline/api/names/${encodeURIComponent(name)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
  } catch (error) {
    throw new UserError(`cannot reach the relay at ${relay}: ${(error as Error).cause ?? (error as Error).message}`);
  }
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok)
    throw new UserError(
      `${body?.error?.message ?? `relay answered ${res.status}`} (${body?.error?.code ?? res.status})`,
    );
  io.stdout.write(`released ${name}\n`);
  return 0;
}
