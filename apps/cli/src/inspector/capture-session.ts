import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  acquireStoreLock,
  CaptureStore,
  type ReplayHostHeader,
  STORE_FILE,
  type StoreLock,
  signatureAnnotator,
} from '@hookline/capture';
import type { SignatureConfig } from '@hookline/signatures';
import { type CaptureService, localCaptureService } from './capture-service.js';
import { pingOwner } from './control-client.js';
import { type ControlServer, startControlServer } from './control-server.js';

/** The capture store of a running `hookline http`, and who may reach it. */
export interface CaptureSession {
  store: CaptureStore;
  service: CaptureService;
  /** False when another `hookline http` owns the data dir: captures stay in memory. */
  persistent: boolean;
  close(): Promise<void>;
}

export interface CaptureSessionOptions {
  dataDir: string;
  hostHeader: ReplayHostHeader;
  timeoutMs: number;
  /** Warnings for the user (a corrupt file moved aside, a shared data dir). */
  warn: (message: string) => void;
  /** How long to wait for a short command (`hookline replay`) holding the lock. @default 3_000 */
  waitMs?: number;
  /** Captures kept. @default 10 000 */
  maxCount?: number;
  /** Secrets to verify captures and re-sign replays with. @default none (providers still detected) */
  signatures?: SignatureConfig;
}

const NO_SECRETS: SignatureConfig = { secrets: {} };

/**
 * Own the data dir's store for the life of `hookline http`: take the lock (with
 * the control endpoint's port in it), open the store, serve the endpoint. If
 * another `hookline http` owns it, keep this tunnel's captures in memory instead:
 * the store hands out ids and holds its listings in memory, so it needs to be
 * the only writer of its database.
 */
export async function startCaptureSession(options: CaptureSessionOptions): Promise<CaptureSession> {
  const signatures = options.signatures ?? NO_SECRETS;
  const serviceOptions = { hostHeader: options.hostHeader, timeoutMs: options.timeoutMs, signatures };
  let resolveService: (service: CaptureService) => void = () => {};
  const ready = new Promise<CaptureService>((resolve) => {
    resolveService = resolve;
  });
  // Requests that arrive between writing the lock and opening the store wait for it.
  const deferred: CaptureService = {
    list: async (query) => (await ready).list(query),
    get: async (id) => (await ready).get(id),
    replay: async (id, request) => (await ready).replay(id, request),
  };
  let lock: StoreLock | null = null;
  const control: ControlServer = await startControlServer(deferred, () => lock?.owner.token ?? '');
  const deadline = Date.now() + (options.waitMs ?? 3_000);
  for (;;) {
    const attempt = await acquireStoreLock(options.dataDir, { port: control.port });
    if (attempt.acquired) {
      lock = attempt.lock;
      break;
    }
    // Another live `hookline http` keeps the store. Anything else (a short command,
    // an owner that is still starting or already dying) is waited for, briefly.
    const owner = attempt.owner;
    const serving = owner !== null && owner.port !== null && (await pingOwner(owner));
    if (serving || Date.now() > deadline) {
      await control.close();
      const holder = owner ? `hookline (pid ${owner.pid})` : 'another process';
      options.warn(
        `captures: ${options.dataDir} is in use by ${holder}; this session keeps its captures in memory (use --data-dir for a separate history)`,
      );
      return memoryCaptureSession(options);
    }
    await sleep(100);
  }
  const held = lock;
  const store = await CaptureStore.open({
    file: join(options.dataDir, STORE_FILE),
    onWarning: options.warn,
    annotate: signatureAnnotator(signatures),
    ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
  }).catch(async (error: unknown) => {
    await control.close();
    await held.release();
    throw error;
  });
  const service = localCaptureService(store, serviceOptions);
  resolveService(service);
  return {
    store,
    service,
    persistent: true,
    async close() {
      await control.close();
      await store.close();
      await held.release();
    },
  };
}

/** Captures kept in this process only (another owner, or `--no-capture` with the inspector open). */
export async function memoryCaptureSession(
  options: Pick<CaptureSessionOptions, 'hostHeader' | 'timeoutMs' | 'maxCount' | 'signatures'>,
): Promise<CaptureSession> {
  const signatures = options.signatures ?? NO_SECRETS;
  const store = await CaptureStore.open({
    file: null,
    annotate: signatureAnnotator(signatures),
    ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
  });
  const service = localCaptureService(store, {
    hostHeader: options.hostHeader,
    timeoutMs: options.timeoutMs,
    signatures,
  });
  return { store, service, persistent: false, close: () => store.close() };
}
