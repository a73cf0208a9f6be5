import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CaptureRecord, toCurl, toHar } from '@hookline/capture';
import type { InspectorActions } from '../tui/sources.js';
import { VERSION } from '../version.js';
import { runBatch } from './batch-replay.js';
import type { CaptureService } from './capture-service.js';
import { copyToClipboard } from './clipboard.js';
import { editRequest } from './editor.js';

export interface InspectorActionDeps {
  service: CaptureService;
  env: NodeJS.ProcessEnv;
  /** HAR files are written here. */
  cwd: string;
  now?: () => Date;
}

/** The inspector's side effects, done by the process that owns the captures. */
export function inspectorActions(deps: InspectorActionDeps): Omit<InspectorActions, 'lendTerminal'> {
  const find = async (id: string): Promise<CaptureRecord> => {
    const record = await deps.service.get(id);
    if (!record) throw new Error(`capture #${id} is no longer stored`);
    return record;
  };
  return {
    replay: (id, mode = {}) => deps.service.replay(id, mode.resign ? { resign: mode.resign } : {}),
    replayBatch: (plan, mode, onItem) =>
      runBatch(deps.service, plan, mode.resign ? { resign: mode.resign } : {}, onItem),
    async editAndReplay(id, mode = {}) {
      const edit = await editRequest((await find(id)).request, deps.env);
      return deps.service.replay(id, { edit, ...(mode.resign ? { resign: mode.resign } : {}) });
    },
    async curl(id) {
      const text = toCurl(await find(id));
      return { text, copied: await copyToClipboard(text, deps.env) };
    },
    async exportHar(ids) {
      const records: CaptureRecord[] = [];
      for (const id of ids) {
        const record = await deps.service.get(id);
        if (record) records.push(record);
      }
      const stamp = (deps.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
      const file = join(deps.cwd, `hookline-${stamp}.har`);
      // Newest first on screen; a HAR lists entries in the order they happened.
      const har = toHar([...records].reverse(), { name: 'hookline', version: VERSION });
      await writeFile(file, `${JSON.stringify(har, null, 2)}\n`, { mode: 0o600 });
      return file;
    },
  };
}
