import { loadFileConfig, pick } from '../config.js';
import { callRelayApi } from '../relay-api.js';
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
  await callRelayApi(relay, token, `names/${encodeURIComponent(name)}`, { method: 'DELETE' });
  io.stdout.write(`released ${name}\n`);
  return 0;
}
