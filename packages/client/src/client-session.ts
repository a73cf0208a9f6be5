import {
  type ErrorCode,
  type Frame,
  FrameType,
  type FrameWriter,
  type QueueStatus,
  type RelayAnswer,
  readMessage,
  type TunnelMessage,
  type TunnelSocket,
} from '@hookline/protocol';
import type { ClientStream } from './local-exchange.js';

export interface ClientSessionHandlers {
  /** A new exchange: return its stream handler. */
  onRequest(stream: number, frame: Extract<Frame, { type: typeof FrameType.REQUEST_HEAD }>): ClientStream;
  /** The session must end (protocol error or the relay's ERROR). */
  onFatal(code: ErrorCode, message: string): void;
  /** The relay reported the tunnel's offline queue. */
  onQueueStatus(status: QueueStatus): void;
  /** The relay answered one of this tunnel's requests itself (a declared handshake). */
  onRelayAnswer(answer: RelayAnswer): void;
}

/**
 * The client's end of an established session: routes the relay's frames to the
 * exchanges and fails them all if the socket goes away.
 */
export class ClientSession {
  readonly writer: FrameWriter;
  readonly #socket: TunnelSocket;
  readonly #streams = new Map<number, ClientStream>();
  readonly #handlers: ClientSessionHandlers;
  #highestStream = 0;
  #closed = false;

  constructor(socket: TunnelSocket, writer: FrameWriter, handlers: ClientSessionHandlers) {
    this.#socket = socket;
    this.writer = writer;
    this.#handlers = handlers;
  }

  get activeStreams(): number {
    return this.#streams.size;
  }

  /** The exchange finished (or failed) on this side. */
  release(stream: number): void {
    this.#streams.delete(stream);
  }

  handleMessage(data: TunnelMessage): void {
    if (this.#closed) return;
    const result = readMessage(data);
    if (!result.ok) return this.#protocolError(result.error.message);
    this.handleFrames(result.frames);
  }

  /** Frames already decoded: the ones that shared READY's message (a relay may batch them). */
  handleFrames(frames: readonly Frame[]): void {
    for (const frame of frames) {
      if (this.#closed) return;
      this.#dispatch(frame);
    }
  }

  /** Fail every open exchange; the socket is gone. */
  close(code: ErrorCode, message: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.writer.close();
    const streams = [...this.#streams.values()];
    this.#streams.clear();
    for (const stream of streams) stream.onReset(code, message);
  }

  #dispatch(frame: Frame): void {
    switch (frame.type) {
      case FrameType.REQUEST_HEAD: {
        if (frame.stream <= this.#highestStream && this.#streams.has(frame.stream)) {
          return this.#protocolError(`stream ${frame.stream} opened twice`);
        }
        this.#highestStream = Math.max(this.#highestStream, frame.stream);
        this.#streams.set(frame.stream, this.#handlers.onRequest(frame.stream, frame));
        return;
      }
      case FrameType.REQUEST_BODY:
        return this.#stream(frame.stream)?.onRequestBody(frame.chunk);
      case FrameType.REQUEST_END:
        return this.#stream(frame.stream)?.onRequestEnd();
      case FrameType.WINDOW:
        return this.#stream(frame.stream)?.onWindow(frame.credit);
      case FrameType.RESET: {
        const stream = this.#streams.get(frame.stream);
        this.#streams.delete(frame.stream);
        return stream?.onReset(frame.reset.code, frame.reset.message);
      }
      case FrameType.ERROR:
        return this.#handlers.onFatal(frame.message.code, frame.message.message);
      case FrameType.QUEUE_STATUS:
        return this.#handlers.onQueueStatus(frame.status);
      case FrameType.RELAY_ANSWER:
        return this.#handlers.onRelayAnswer(frame.answer);
      case FrameType.DELIVERY_ACK:
      case FrameType.HELLO:
      case FrameType.READY:
      case FrameType.RESPONSE_HEAD:
      case FrameType.RESPONSE_BODY:
      case FrameType.RESPONSE_END:
        return this.#protocolError(`the relay may not send frame type ${frame.type} here`);
    }
  }

  /** Frames for finished streams are normal (the sides cross); unknown new ones are not. */
  #stream(id: number): ClientStream | undefined {
    const stream = this.#streams.get(id);
    if (!stream && id > this.#highestStream) this.#protocolError(`frame for stream ${id}, which was never opened`);
    return stream;
  }

  #protocolError(message: string): void {
    this.writer.write({ type: FrameType.ERROR, stream: 0, message: { code: 'E_PROTOCOL', message } });
    this.writer.flush();
    this.#handlers.onFatal('E_PROTOCOL', message);
    this.#socket.close(1002, 'E_PROTOCOL');
  }
}
