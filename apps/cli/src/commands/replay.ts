import { parseTarget } from '@hookline/client';
import { loadFileConfig } from '../config.js';
import { resolveDataDir } from '../data-dir.js';
import { formatDuration } from '../format.js';
import { openCaptureAccess } from '../inspector/capture-access.js';
import { editRequest } from '../inspector/editor.js';
import { hasSecrets, resolveSignatureConfig } from '../signature-config.js';
import { UserError } from '../user-error.js';
import { asUserErrors } from './capture-flags.js';
import type { CliIo } from './io.js';

export interface ReplayFlags {
  target?: string;
  edit?: boolean;
  dataDir?: string;
  resign?: boolean;
  newId?: boolean;
  secret?: string[];
  /** A batch: every capture matching this filter. */
  filter?: string;
  /** A batch: only captures received in this last stretch (`1h`). */
  since?: string;
  max?: string;
}

function targetUrl(text: string): string {
  try {
    return parseTarget(text).href;
  } catch (error) {
    throw new UserError((error as Error).message);
  }
}

/**
 * `hookline replay <id>`: send a capture again (byte-exact, or edited in $EDITOR)
 * to its local target or `--target`, and record the result as a new capture.
 */
export async function runReplay(id: string | undefined, flags: ReplayFlags, io: CliIo): Promise<number> {
  const batch = flags.filter !== undefined || flags.since !== undefined;
  if (batch && id !== undefined) throw new UserError('give a capture id or --filter/--since for a batch, not both');
  if (!batch && id === undefined) throw new UserError('give a capture id, or --filter/--since to replay a batch');
  if (batch && flags.edit) throw new UserError('--edit replays one capture: give its id');
  const target = flags.target === undefined ? undefined : targetUrl(flags.target);
  const dataDir = resolveDataDir(flags.dataDir, io.env, io.cwd);
  if (flags.newId && !flags.resign) throw new UserError('--new-id needs --resign');
  const signatures = resolveSignatureConfig(flags.secret, io.env, loadFileConfig(io.cwd, io.env));
  // A running `hookline http` re-signs with its own secrets plus any given here.
  const resign = flags.resign
    ? { ...(flags.newId ? { newId: true } : {}), ...(hasSecrets(signatures) ? { config: signatures } : {}) }
    : undefined;
  return asUserErrors(async () => {
    const access = await openCaptureAccess(dataDir, {
      mode: 'write',
      warn: (m) => io.stderr.write(`hookline: ${m}\n`),
      signatures,
    });
    try {
      if (id === undefined) {
        const { runBatchReplay } = await import('./replay-batch.js');
        return await runBatchReplay(access.service, flags, io, {
          ...(target === undefined ? {} : { target }),
          ...(resign === undefined ? {} : { resign }),
        });
      }
      const original = await access.service.get(id);
      if (!original) throw new UserError(`no capture with id ${id} in ${dataDir} (see hookline requests)`);
      const edit = flags.edit ? await editRequest(original.request, io.env) : undefined;
      const replayed = await access.service.replay(id, {
        ...(target === undefined ? {} : { target }),
        ...(edit === undefined ? {} : { edit }),
        ...(resign === undefined ? {} : { resign }),
      });
      const took = formatDuration(replayed.timings.totalMs);
      if (replayed.error) {
        io.stderr.write(
          `hookline: replay of ${id} (as ${replayed.id}) failed: ${replayed.error.message} (${replayed.error.code})\n`,
        );
        return 1;
      }
      const status = `${replayed.response?.status} ${replayed.response?.statusText ?? ''}`.trim();
      const signed = flags.resign && replayed.signature ? ` (re-signed for ${replayed.signature.provider})` : '';
      io.stdout.write(`replayed ${id} as ${replayed.id}${signed}: ${status} in ${took}\n`);
      return 0;
    } finally {
      await access.close();
    }
  });
}
