import { loadFileConfig, pick } from '../config.js';
import { callRelayApi } from '../relay-api.js';
import { UserError } from '../user-error.js';
import type { CliIo } from './io.js';

export interface QueueFlags {
  name?: string;
  relay?: string;
  token?: string;
  json?: boolean;
  failed?: boolean;
  all?: boolean;
}

interface EntryView {
  id: string;
  state: string;
  attempts: number;
  receivedAt: string;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  method: string;
  target: string;
  bodySize: number;
}

/**
 * `hookline queue [list|retry|drop]`: the relay's offline queue of one of your
 * tunnels, through its API (the relay owns the queue; this never opens its files).
 */
export async function runQueue(action: string, id: string | undefined, flags: QueueFlags, io: CliIo): Promise<number> {
  const file = loadFileConfig(io.cwd, io.env);
  const relay = pick(flags.relay, io.env.HOOKLINE_RELAY, file.relay);
  const token = pick(flags.token, io.env.HOOKLINE_TOKEN, file.token);
  const name = pick(flags.name, io.env.HOOKLINE_NAME, file.name);
  if (!relay) throw new UserError('queue needs a relay: --relay <url> (or HOOKLINE_RELAY)');
  if (!token) throw new UserError('queue needs the token that owns the tunnel: --token <t> (or HOOKLINE_TOKEN)');
  if (!name) throw new UserError('queue needs the tunnel name: --name <n> (or HOOKLINE_NAME)');
  const queuePath = `queues/${encodeURIComponent(name)}`;
  const call = (path: string, init: RequestInit = {}) => callRelayApi(relay, token, `${queuePath}${path}`, init);
  const out = (text: string) => io.stdout.write(`${text}\n`);
  switch (action) {
    case 'list': {
      const { entries } = (await call('')) as { entries: EntryView[] };
      // Like every list command's --json (requests, token list): one JSON array of what is listed.
      if (flags.json) {
        out(JSON.stringify(entries));
        return 0;
      }
      if (entries.length === 0) io.stderr.write(`queue of ${name} is empty\n`);
      for (const e of entries) {
        const last = e.lastError ? `  last: ${e.lastError}` : '';
        out(`${e.id}  ${e.state.padEnd(8)} ${e.method} ${e.target}  ${triesText(e, Date.now())}${last}`);
      }
      return 0;
    }
    case 'retry': {
      if (!id && !flags.failed && !flags.all) throw new UserError('queue retry needs a delivery id, --failed or --all');
      const request = flags.all ? { all: true } : flags.failed ? { failed: true } : { id };
      const result = (await call('/retry', { method: 'POST', body: JSON.stringify(request) })) as {
        retried: string[];
      };
      if (flags.json) out(JSON.stringify(result));
      else out(`retrying ${result.retried.length} deliver${result.retried.length === 1 ? 'y' : 'ies'}`);
      return 0;
    }
    case 'drop': {
      if (!id) throw new UserError('queue drop needs a delivery id');
      const result = await call(`/entries/${encodeURIComponent(id)}`, { method: 'DELETE' });
      if (flags.json) out(JSON.stringify(result));
      else out(`dropped ${id}`);
      return 0;
    }
    default:
      throw new UserError(`unknown queue action "${action}": use list, retry or drop`);
  }
}

/** "not tried yet", "tried 2×, next in 14 s (12:04:31)", "failed after 8 tries": never an epoch date. */
export function triesText(entry: Pick<EntryView, 'state' | 'attempts' | 'nextAttemptAt'>, now: number): string {
  if (entry.state === 'failed') return `failed after ${entry.attempts} ${entry.attempts === 1 ? 'try' : 'tries'}`;
  const tried = entry.attempts === 0 ? 'not tried yet' : `tried ${entry.attempts}×`;
  if (entry.state === 'inflight') return `${tried}, delivering now`;
  const next = entry.nextAttemptAt ? Date.parse(entry.nextAttemptAt) : 0;
  if (next <= now) return entry.attempts === 0 ? tried : `${tried}, due now`;
  const seconds = Math.ceil((next - now) / 1000);
  return `${tried}, next in ${seconds} s (${new Date(next).toLocaleTimeString('en-GB')})`;
}
