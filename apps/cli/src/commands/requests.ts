import { resolveDataDir } from '../data-dir.js';
import { openCaptureAccess } from '../inspector/capture-access.js';
import { SUMMARY_HEADER, summarize, summaryLine } from '../inspector/capture-summary.js';
import { asUserErrors, parseLimit } from './capture-flags.js';
import type { CliIo } from './io.js';

export interface RequestsFlags {
  json?: boolean;
  limit?: string;
  filter?: string;
  dataDir?: string;
}

/** `hookline requests`: the captured exchanges, newest first. */
export async function runRequests(flags: RequestsFlags, io: CliIo): Promise<number> {
  const limit = parseLimit(flags.limit, 50);
  const dataDir = resolveDataDir(flags.dataDir, io.env, io.cwd);
  const access = await asUserErrors(() =>
    openCaptureAccess(dataDir, { mode: 'read', warn: (m) => io.stderr.write(`hookline: ${m}\n`) }),
  );
  try {
    const records = await access.service.list({ limit, filter: flags.filter ?? '', withoutBodies: true });
    const summaries = records.map(summarize);
    if (flags.json) {
      io.stdout.write(`${JSON.stringify(summaries)}\n`);
      return 0;
    }
    if (summaries.length === 0) {
      io.stderr.write(flags.filter ? `no captures match "${flags.filter}"\n` : `no captures yet in ${dataDir}\n`);
      return 0;
    }
    io.stdout.write(`${SUMMARY_HEADER}\n`);
    for (const summary of summaries) io.stdout.write(`${summaryLine(summary)}\n`);
    return 0;
  } finally {
    await access.close();
  }
}
