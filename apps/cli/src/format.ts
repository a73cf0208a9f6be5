/** Small display helpers shared by `requests`, `replay`, the exchange log of `http --no-tui` and the TUI. */

/** `17 B`, `4.0 KiB`, `1.5 MiB`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** `4 ms`, `1.25 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Local wall-clock time `HH:MM:SS`. */
export function formatClock(epochMs: number): string {
  return new Date(epochMs).toTimeString().slice(0, 8);
}
