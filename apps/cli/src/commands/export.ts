import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { toCurl, toFixture, toHar } from '@hookline/capture';
import { resolveDataDir } from '../data-dir.js';
import { openCaptureAccess } from '../inspector/capture-access.js';
import { UserError } from '../user-error.js';
import { VERSION } from '../version.js';
import { asUserErrors } from './capture-flags.js';
import type { CliIo } from './io.js';

export interface ExportFlags {
  har?: string;
  curl?: string;
  fixture?: string;
  filter?: string;
  dataDir?: string;
}

/** `hookline export --har <file|-> [--filter q]`, `--curl <id>` or `--fixture <id>`. */
export async function runExport(flags: ExportFlags, io: CliIo): Promise<number> {
  const chosen = [flags.har, flags.curl, flags.fixture].filter((flag) => flag !== undefined);
  if (chosen.length !== 1)
    throw new UserError('export needs exactly one of --har <file>, --curl <id> or --fixture <id>');
  const dataDir = resolveDataDir(flags.dataDir, io.env, io.cwd);
  return asUserErrors(async () => {
    const access = await openCaptureAccess(dataDir, { mode: 'read', warn: (m) => io.stderr.write(`hookline: ${m}\n`) });
    try {
      const one = flags.curl ?? flags.fixture;
      if (one !== undefined) {
        const record = await access.service.get(one);
        if (!record) throw new UserError(`no capture with id ${one} in ${dataDir} (see hookline requests)`);
        const text = flags.curl !== undefined ? toCurl(record) : JSON.stringify(toFixture(record), null, 2);
        io.stdout.write(`${text}\n`);
        return 0;
      }
      // HAR lists entries oldest first, as a browser records them.
      const records = (await access.service.list({ filter: flags.filter ?? '' })).reverse();
      const har = toHar(records, { name: 'hookline', version: VERSION });
      // `-` as a file name is stdout, as for curl and tar: `export --har - | jq …`.
      if (flags.har === '-') {
        io.stdout.write(`${JSON.stringify(har, null, 2)}\n`);
        return 0;
      }
      const file = resolve(io.cwd, flags.har as string);
      await writeFile(file, `${JSON.stringify(har, null, 2)}\n`, { mode: 0o600 }).catch((error: Error) => {
        throw new UserError(`cannot write ${file}: ${error.message}`);
      });
      io.stdout.write(`wrote ${records.length} exchange${records.length === 1 ? '' : 's'} to ${file}\n`);
      return 0;
    } finally {
      await access.close();
    }
  });
}
