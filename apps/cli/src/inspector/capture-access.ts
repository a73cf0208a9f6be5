import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  acquireStoreLock,
  CaptureError,
  CaptureStore,
  LEGACY_STORE_FILE,
  LOCK_FILE,
  readStoreLock,
  STORE_FILE,
  signatureAnnotator,
} from '@hookline/capture';
import type { SignatureConfig } from '@hookline/signatures';
import { type CaptureService, localCaptureService } from './capture-service.js';
import { pingOwner, remoteCaptureService } from './control-client.js';

/** How a command reaches the captures: through the running `hookline http`, or the file. */
export interface CaptureAccess {
  service: CaptureService;
  via: 'control' | 'file';
  close(): Promise<void>;
}

export interface AccessOptions {
  /** `write` takes the store lock when no `hookline http` owns it. */
  mode: 'read' | 'write';
  warn: (message: string) => void;
  /** How long to wait for another short command holding the lock. @default 5_000 */
  waitMs?: number;
  /** With `write`, when this process opens the file itself: verify replays and re-sign with these. */
  signatures?: SignatureConfig;
}

async function viaOwner(dataDir: string): Promise<CaptureAccess | null> {
  const { owner } = await readStoreLock(dataDir);
  if (!owner || !(await pingOwner(owner))) return null;
  return { service: remoteCaptureService(owner), via: 'control', close: async () => {} };
}

/**
 * Open the captures of `dataDir` for a command. A running `hookline http` owns
 * its store (the single writer): when its control endpoint answers, everything
 * goes through it. Otherwise readers open the database read-only (SQLite's WAL
 * lets them read beside a writer) and writers take the lock for their duration.
 */
export async function openCaptureAccess(dataDir: string, options: AccessOptions): Promise<CaptureAccess> {
  const file = join(dataDir, STORE_FILE);
  // A history still in the old captures.json is imported by the first writable open,
  // so a reader that finds only that file takes the lock and imports it.
  const mode =
    options.mode === 'read' && !existsSync(file) && existsSync(join(dataDir, LEGACY_STORE_FILE))
      ? 'write'
      : options.mode;
  const deadline = Date.now() + (options.waitMs ?? 5_000);
  for (;;) {
    const remote = await viaOwner(dataDir);
    if (remote) return remote;
    if (mode === 'read') {
      const store = await CaptureStore.open({ file, readOnly: true, onWarning: options.warn });
      return { service: localCaptureService(store), via: 'file', close: () => store.close() };
    }
    const attempt = await acquireStoreLock(dataDir);
    if (attempt.acquired) {
      const signatures = options.signatures ?? { secrets: {} };
      const store = await CaptureStore.open({
        file,
        onWarning: options.warn,
        annotate: signatureAnnotator(signatures),
      }).catch(async (error: unknown) => {
        await attempt.lock.release();
        throw error;
      });
      const close = async () => {
        await store.close();
        await attempt.lock.release();
      };
      return { service: localCaptureService(store, { signatures }), via: 'file', close };
    }
    if (Date.now() > deadline) {
      const pid = attempt.owner ? `process ${attempt.owner.pid}` : 'another process';
      throw new CaptureError(
        'E_STORE_LOCKED',
        `the capture store in ${dataDir} is in use by ${pid}, which does not answer; if that is not hookline, remove ${join(dataDir, LOCK_FILE)}`,
      );
    }
    await sleep(100);
  }
}
