import type { ErrorCode } from './errors.js';
import type { MessageSink } from './frame-writer.js';
import type { Frame } from './frames.js';

/**
 * What the relay's and the client's session code need of the link between them.
 * A `ws` WebSocket is one (the relay and client as separate processes); an
 * in-process pair (`createInProcessPair`) is the other (the embedded relay of
 * `hookline http`), so both run the same protocol code over either.
 */
/**
 * One message on a tunnel link: a WebSocket's binary message (frames encoded back
 * to back), or the frames an in-process link hands over as they were written.
 * `readMessage` (codec.ts) turns either into frames.
 */
export type TunnelMessage = Buffer | readonly Frame[];

export interface TunnelSocket extends MessageSink {
  /** 0 connecting, 1 open, 2 closing, 3 closed (the WebSocket constants). */
  readonly readyState: number;
  readonly OPEN: number;
  readonly CLOSED: number;
  ping(): void;
  close(code?: number, reason?: string): void;
  /** Drop the link at once, no close handshake. */
  terminate(): void;
  on(event: 'message', listener: (data: TunnelMessage, isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'open' | 'ping' | 'pong', listener: () => void): this;
  once(event: 'message', listener: (data: TunnelMessage, isBinary: boolean) => void): this;
  once(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  once(event: 'open' | 'ping' | 'pong', listener: () => void): this;
  off(event: 'pong', listener: () => void): this;
}

/** What a client asks of a relay in the same process (the query of `/_hookline/connect`). */
export interface InProcessConnectRequest {
  token?: string | undefined;
  name?: string | undefined;
  clientId: string;
  /** `--takeover`, on the first connection only. */
  takeover?: boolean;
}

/** The relay's answer: the client's end of the link, or the refusal the upgrade would have got. */
export type InProcessConnection =
  | { ok: true; socket: TunnelSocket }
  | { ok: false; code: ErrorCode; message: string; retryAfterMs?: number };

/** A relay the client can reach without a socket (`createRelay()` in this process). */
export interface InProcessRelay {
  /** Its public base URL (what tunnels' URLs are built from). */
  readonly url: string;
  connectInProcess(request: InProcessConnectRequest): Promise<InProcessConnection>;
}
