import type { CaptureListing, CaptureRecord } from '@hookline/capture';
import type { BatchItem, BatchPlan, BatchSummary } from '../inspector/batch-replay.js';

/** Where the inspector reads captures from: a `CaptureStore` fits. */
export interface CaptureSource {
  /** Listings (no headers, no bodies), oldest first. */
  list(): readonly CaptureListing[];
  /** One capture whole, for the detail view. */
  get(id: string): CaptureRecord | undefined;
  subscribe(listener: (listing: CaptureListing) => void): () => void;
  /** Ids matching a filter (run in the database); a bad filter rejects with `E_BAD_FILTER`. */
  matchingIds(query: { filter: string; tunnel: string | null }): Promise<Set<string>>;
}

/** The tunnel as the header shows it. */
export interface TunnelView {
  url: string;
  /** The tunnel's name once known: the list shows its captures unless the filter asks for others. */
  name?: string;
  target: string;
  state: 'connecting' | 'online' | 'reconnecting' | 'offline';
  /** For `reconnecting`: epoch ms of the next attempt. */
  retryAt?: number;
  /** Why it is reconnecting or offline. */
  reason?: string;
  /** The relay's offline queue for this tunnel (queued tunnels only). */
  queue?: { pending: number; failed: number; delivered?: number | undefined };
}

export interface StatusSource {
  get(): TunnelView;
  subscribe(listener: () => void): () => void;
}

/** How to replay: as captured (the default), or re-signed with a fresh timestamp (and maybe a new webhook-id). */
export interface ReplayMode {
  resign?: { newId?: boolean };
}

/** Side effects the inspector asks for; the http command implements them. */
export interface InspectorActions {
  replay(id: string, mode?: ReplayMode): Promise<CaptureRecord>;
  /** Edit in $EDITOR (the terminal is lent meanwhile), then replay. */
  editAndReplay(id: string, mode?: ReplayMode): Promise<CaptureRecord>;
  /** A curl command for the capture, copied to the clipboard when there is one. */
  curl(id: string): Promise<{ text: string; copied: boolean }>;
  /** Write a HAR file of these captures (ids, newest first); returns its path. */
  exportHar(ids: readonly string[]): Promise<string>;
  /** Replay a batch's captures one after another, oldest first; `onItem` hears each as it ends. */
  replayBatch(plan: BatchPlan, mode: ReplayMode, onItem: (item: BatchItem) => void): Promise<BatchSummary>;
  /** Run `work` with the terminal handed back to the user (raw mode off, screen restored after). */
  lendTerminal<T>(work: () => Promise<T>): Promise<T>;
}
