import { parseTarget } from '@hookline/client';
import { resolveDataDir } from '../data-dir.js';
import { formatDuration } from '../format.js';
import { openCaptureAccess } from '../inspector/capture-access.js';
import { editRequest } from '../inspector/editor.js';
import { UserError } from '../user-error.js';
import { asUserErrors } from './capture-flags.js';
import type { CliIo } from './io.js';

export interface ReplayFlags {
  target?: string;
  edit?: boolean;
  dataDir?: string;
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
export async function runReplay(id: string, flags: ReplayFlags, io: CliIo): Promise<number> {
  const target = flags.target === undefined ? undefined : targetUrl(flags.target);
  const dataDir = resolveDataDir(flags.dataDir, io.env, io.cwd);
  return asUserErrors(async () => {
    const access = await openCaptureAccess(dataDir, {
      mode: 'write',
      warn: (m) => io.stderr.write(`hookline: ${m}\n`),
    });
    try {
      const original = await access.service.get(id);
      if (!original) throw new UserError(`no capture with id ${id} in ${dataDir} (see hookline requests)`);
      const edit = flags.edit ? await editRequest(original.request, io.env) : undefined;
      const replayed = await access.service.replay(id, {
        ...(target === undefined ? {} : { target }),
        ...(edit === undefined ? {} : { edit }),
      });
      const took = formatDuration(replayed.timings.totalMs);
      if (replayed.error) {
        io.stderr.write(
          `hookline: replay of ${id} (as ${replayed.id}) failed: ${replayed.error.message} (${replayed.error.code})\n`,
        );
        return 1;
      }
      const status = `${replayed.response?.status} ${replayed.response?.statusText ?? ''}`.trim();
      io.stdout.write(`replayed ${id} as ${replayed.id}: ${status} in ${took}\n`);
      return 0;
    } finally {
      await access.close();
    }
  });
}
