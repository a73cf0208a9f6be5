import { randomUUID } from 'node:crypto';
import {
  type ErrorCode,
  type Frame,
  FrameType,
  FrameWriter,
  type RequestHead,
  type ResponseHead,
  readMessage,
  type TunnelMessage,
  type TunnelSocket,
} from '@hookline/protocol';
import { FlowLedger } from './flow-ledger.js';
import type { AccessPolicy } from './tunnel-access.js';

/** One exchange on the relay side, fed by the session's frames. */
export interface RelayStream {
  onResponseHead(head: ResponseHead): void;
  onResponseBody(chunk: Buffer): void;
  onResponseEnd(): void;
  onWindow(credit: number): void;
  /** The client reset the stream, or the session ended under it. */
  onReset(code: ErrorCode, message: string): void;
}

export interface TunnelSessionInit {
  socket: TunnelSocket;
  name: string;
  clientId: string;
  owner: string | null;
  access?: AccessPolicy | undefined;
  maxStreams: number;
  /** The response-body window each stream's sink grants the client (`streamWindow`). */
  window: number;
  /** Called once when the session is gone, whatever the reason. */
  onClosed: (session: TunnelSession) => void;
}

/**
 * Flow-control violations a session may commit: the first costs the stream
 * (RESET E_FLOW_CONTROL), this many end the session. One is forgiven because it
 * hurts no one but the client's own caller; a second means the client ignores
 * windows, and every stream it holds would make the relay buffer for it.
 */
const FLOW_VIOLATIONS_PER_SESSION = 2;

/**
 * The relay's end of one client's link (a WebSocket, or in process): allocates stream ids for ingress
 * exchanges, writes their frames, and routes the client's frames back to them.
 * A frame that breaks the protocol ends the session with ERROR, never the relay.
 */
export class TunnelSession {
  readonly id = randomUUID();
  readonly name: string;
  readonly clientId: string;
  readonly owner: string | null;
  /** Who may call this tunnel's public URL. */
  readonly access: AccessPolicy | undefined;
  readonly writer: FrameWriter;
  readonly #socket: TunnelSocket;
  readonly #streams = new Map<number, RelayStream>();
  readonly #maxStreams: number;
  readonly #onClosed: (session: TunnelSession) => void;
  readonly #ledger: FlowLedger;
  #flowViolations = 0;
  #nextStreamId = 1;
  #closed = false;
  #probing: Promise<boolean> | null = null;
  /** Set by the heartbeat: false after a ping, true again on pong. */
  alive = true;
  /** Cluster: the fencing epoch of this node's route for the tunnel (0 outside a cluster). */
  epoch = 0;
  /** Cluster: answer for the tunnel only until then (renewed with the lease). */
  leaseValidUntil = Number.POSITIVE_INFINITY;

  constructor(init: TunnelSessionInit) {
    this.#socket = init.socket;
    this.name = init.name;
    this.clientId = init.clientId;
    this.owner = init.owner;
    this.access = init.access;
    this.#maxStreams = init.maxStreams;
    this.#onClosed = init.onClosed;
    this.#ledger = new FlowLedger(init.window);
    this.writer = new FrameWriter(init.socket, { onWindow: (stream, credit) => this.#ledger.grant(stream, credit) });
    init.socket.on('message', this.#onMessage);
    init.socket.on('pong', () => {
      this.alive = true;
    });
    init.socket.once('close', () => this.#teardown('E_TUNNEL_CLOSED', 'the tunnel client disconnected'));
    init.socket.on('error', () => this.#teardown('E_TUNNEL_CLOSED', 'the tunnel connection failed'));
  }

  get closed(): boolean {
    return this.#closed;
  }

  get activeStreams(): number {
    return this.#streams.size;
  }

  /** Register an exchange and send its head; null when the tunnel is at its stream limit. */
  open(stream: RelayStream, head: RequestHead): number | null {
    if (this.#closed || this.#streams.size >= this.#maxStreams) return null;
    const id = this.#nextStreamId;
    this.#nextStreamId = id >= 0xffff_ffff ? 1 : id + 1;
    this.#streams.set(id, stream);
    this.#ledger.open(id);
    this.writer.write({ type: FrameType.REQUEST_HEAD, stream: id, head });
    return id;
  }

  /** The exchange is over on both sides; forget it. */
  finish(id: number): void {
    this.#streams.delete(id);
    this.#ledger.close(id);
  }

  /** Abort an exchange from the relay side (caller left, limit hit). */
  reset(id: number, code: ErrorCode, message: string): void {
    if (!this.#streams.delete(id)) return;
    this.#ledger.close(id);
    this.writer.write({ type: FrameType.RESET, stream: id, reset: { code, message } });
  }

  ping(): void {
    this.alive = false;
    this.#socket.ping();
  }

  /** End the session: tell the client why, then fail every open exchange. */
  close(code: ErrorCode, message: string, wsCode = 1000): void {
    if (this.#closed) return;
    this.writer.write({ type: FrameType.ERROR, stream: 0, message: { code, message } });
    this.writer.flush();
    this.#socket.close(wsCode, code);
    this.#teardown(code, message);
  }

  /**
   * Ask now whether the client still answers: a ping, and a session whose pong
   * does not come within `timeoutMs` is terminated (its name is free again).
   */
  probe(timeoutMs: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    // Many newcomers at once share one ping: no pile of pong listeners.
    this.#probing ??= new Promise<boolean>((resolve) => {
      const onPong = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.#socket.off('pong', onPong);
        this.terminate();
        resolve(false);
      }, timeoutMs);
      this.#socket.once('pong', onPong);
      this.#socket.ping();
    }).finally(() => {
      this.#probing = null;
    });
    return this.#probing;
  }

  /** Drop the connection without a goodbye (dead peer). */
  terminate(): void {
    this.#socket.terminate();
    this.#teardown('E_TUNNEL_CLOSED', 'the tunnel client stopped answering');
  }

  readonly #onMessage = (data: TunnelMessage, isBinary: boolean): void => {
    if (this.#closed) return;
    if (!isBinary) {
      this.close('E_PROTOCOL', 'text messages are not part of the protocol', 1003);
      return;
    }
    const result = readMessage(data);
    if (!result.ok) {
      this.close('E_PROTOCOL', result.error.message, 1002);
      return;
    }
    try {
      for (const frame of result.frames) {
        if (this.#closed) return;
        this.#dispatch(frame);
      }
    } catch (error) {
      // Whatever one client's frames trigger ends that session, never the relay process.
      this.close('E_INTERNAL', `the relay failed on a frame from this client: ${(error as Error).message}`, 1011);
    }
  };

  #dispatch(frame: Frame): void {
    switch (frame.type) {
      case FrameType.RESPONSE_HEAD:
        return this.#stream(frame.stream)?.onResponseHead(frame.head);
      case FrameType.RESPONSE_BODY: {
        const stream = this.#stream(frame.stream);
        if (stream === undefined) return;
        // Checked before any destination sees the bytes: memory stays bounded by the window.
        if (!this.#ledger.take(frame.stream, frame.chunk.length)) return this.#flowViolation(frame.stream, stream);
        return stream.onResponseBody(frame.chunk);
      }
      case FrameType.RESPONSE_END:
        return this.#stream(frame.stream)?.onResponseEnd();
      case FrameType.WINDOW:
        return this.#stream(frame.stream)?.onWindow(frame.credit);
      case FrameType.RESET: {
        const stream = this.#stream(frame.stream);
        this.#streams.delete(frame.stream);
        this.#ledger.close(frame.stream);
        return stream?.onReset(frame.reset.code, frame.reset.message);
      }
      case FrameType.ERROR:
        return this.#teardown(frame.message.code, frame.message.message);
      case FrameType.DELIVERY_ACK:
        // Queued delivery (durable queue) is not served by this session kind yet.
        return;
      case FrameType.HELLO:
      case FrameType.READY:
      case FrameType.QUEUE_STATUS:
      case FrameType.RELAY_ANSWER:
      case FrameType.REQUEST_HEAD:
      case FrameType.REQUEST_BODY:
      case FrameType.REQUEST_END:
        return this.close('E_PROTOCOL', `a client may not send frame type ${frame.type}`, 1002);
    }
  }

  /**
   * Frames for a stream that already ended are normal (the two sides cross), so
   * they are dropped; a stream id never handed out is a protocol error.
   */
  #stream(id: number): RelayStream | undefined {
    const stream = this.#streams.get(id);
    if (stream === undefined && id >= this.#nextStreamId) {
      this.close('E_PROTOCOL', `frame for stream ${id}, which was never opened`, 1002);
    }
    return stream;
  }

  #flowViolation(id: number, stream: RelayStream): void {
    this.#flowViolations += 1;
    const message = 'the tunnel client sent response body beyond the window the relay granted';
    this.reset(id, 'E_FLOW_CONTROL', message);
    stream.onReset('E_FLOW_CONTROL', message);
    if (this.#flowViolations >= FLOW_VIOLATIONS_PER_SESSION) {
      this.close('E_FLOW_CONTROL', `${message}, ${this.#flowViolations} times in this session`, 1008);
    }
  }

  #teardown(code: ErrorCode, message: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.writer.close();
    const streams = [...this.#streams.values()];
    this.#streams.clear();
    for (const stream of streams) stream.onReset(code, message);
    this.#onClosed(this);
  }
}
