/** Every bound of the web inspector, in one place. */
export interface WebLimits {
  /** Captures in one page of the list. @default 2 000 */
  maxPage: number;
  /** Characters of a filter. @default 1 024 */
  maxFilterChars: number;
  /** Bytes of a replay request's JSON (an edited body of up to the 1 MiB capture cap, escaped). @default 4 MiB */
  maxReplayBytes: number;
  /** Captures in one HAR download. @default 1 000 */
  maxHarEntries: number;
  /** Stored body bytes in one HAR download (it is built in memory, bodies as base64). @default 128 MiB */
  maxHarBytes: number;
  /** Event streams open at once. @default 16 */
  maxStreams: number;
  /** Events waiting for a client that does not read before it is dropped. @default 1 000 */
  maxQueuedEvents: number;
  /** Connections the server holds at once. @default 64 */
  maxConnections: number;
}

export const WEB_LIMITS: WebLimits = {
  maxPage: 2_000,
  maxFilterChars: 1_024,
  maxReplayBytes: 4 * 1024 * 1024,
  maxHarEntries: 1_000,
  maxHarBytes: 128 * 1024 * 1024,
  maxStreams: 16,
  maxQueuedEvents: 1_000,
  maxConnections: 64,
};
