import type { Tunnel } from '@hookline/client';
import type { SignatureConfig } from '@hookline/signatures';
import { resolveDataDir } from '../data-dir.js';
import type { CaptureSession } from '../inspector/capture-session.js';
import type { Terminal } from '../terminal.js';
import type { InspectorHandle } from '../tui/open-inspector.js';
import { UserError } from '../user-error.js';
import type { HttpFlags } from './http-flags.js';
import type { CliIo } from './io.js';

export interface CaptureSetup {
  hostHeader: 'passthrough' | 'rewrite';
  timeoutMs: number;
  /** The local target URL recorded on each capture. */
  target: string;
  /** The terminal inspector will open: its live list is kept in memory even with `--no-capture`. */
  inspector: boolean;
  warn: (message: string) => void;
  /** Secrets to verify captures and re-sign replays with. */
  signatures: SignatureConfig;
}

/**
 * The captures of `hookline http`: the data dir's store (owned, with its control
 * endpoint), or memory only with `--no-capture` when the inspector needs a list,
 * or nothing at all.
 */
export async function openCaptures(flags: HttpFlags, io: CliIo, setup: CaptureSetup) {
  const maxCount = flags.maxCaptures === undefined ? undefined : Number(flags.maxCaptures);
  if (maxCount !== undefined && !(Number.isInteger(maxCount) && maxCount > 0)) {
    throw new UserError('--max-captures must be a positive whole number');
  }
  const sessions = await import('../inspector/capture-session.js');
  const options = {
    hostHeader: setup.hostHeader,
    timeoutMs: setup.timeoutMs,
    signatures: setup.signatures,
    ...(maxCount === undefined ? {} : { maxCount }),
  };
  let capture: CaptureSession | null = null;
  if (flags.capture !== false) {
    const dataDir = resolveDataDir(flags.dataDir, io.env, io.cwd);
    capture = await sessions.startCaptureSession({ ...options, dataDir, warn: setup.warn });
  } else if (setup.inspector) {
    capture = await sessions.memoryCaptureSession(options);
  }
  const recording = capture
    ? (await import('../inspector/tunnel-capture.js')).tunnelRecorder(capture.store, setup.target)
    : null;
  return { capture, recording };
}

/**
 * Start loading the inspector (Ink, React, the views): called before the tunnel
 * starts, so the modules load while start-up waits on sockets instead of after it.
 */
export function loadInspector() {
  return Promise.all([
    import('../tui/open-inspector.js'),
    import('../inspector/inspector-actions.js'),
    import('../inspector/tunnel-status.js'),
  ]);
}

/** Show the inspector; Ink is loaded only for it (it costs most of a cold start). */
export async function openTui(
  modules: ReturnType<typeof loadInspector>,
  tunnel: Tunnel,
  capture: CaptureSession,
  terminal: Terminal,
  io: CliIo,
  notices: string[],
  /** The web inspector's URL: shown as news, or after the warnings when there are some. */
  news?: string,
): Promise<InspectorHandle> {
  const [{ openInspector }, { inspectorActions }, { tunnelStatusSource }] = await modules;
  return openInspector({
    captures: capture.store,
    status: tunnelStatusSource(tunnel),
    actions: inspectorActions({ service: capture.service, env: io.env, cwd: io.cwd }),
    stdin: terminal.stdin,
    stdout: terminal.stdout,
    ...(notices.length > 0
      ? { notice: [...notices, ...(news === undefined ? [] : [news])].join('; ') }
      : news === undefined
        ? {}
        : { notice: news, noticeTone: 'info' as const }),
  });
}
