import { EventEmitter } from 'node:events';
import { MAX_MESSAGE_SIZE } from './constants.js';
import type { Frame } from './frames.js';
import type { TunnelMessage, TunnelSocket } from './tunnel-socket.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/**
 * One end of a link between a relay and a client in the same process (the
 * embedded relay of `hookline http`): messages are handed to the other end as
 * buffers, with no loopback WebSocket, so a request crosses two sockets (caller,
 * local server), not four. Everything above it — framing, flow control, limits,
 * heartbeats — is the same code as over a WebSocket.
 *
 * A FrameWriter hands its frames over unencoded (`sendFrames`): no JSON heads, no
 * validation (the sender is this process's relay or client, which built them from
 * input it validated), no copy of a body chunk. Delivery is asynchronous (a
 * microtask), in order, like a socket: a handler never runs inside the sender's call.
 */
export class InProcessSocket extends EventEmitter implements TunnelSocket {
  readonly OPEN = OPEN;
  readonly CLOSED = CLOSED;
  /** Nothing waits in a kernel buffer: a message is the receiver's once sent. */
  readonly bufferedAmount = 0;
  #state = CONNECTING;
  #peer: InProcessSocket | null = null;

  get readyState(): number {
    return this.#state;
  }

  send(data: Buffer, callback: (error?: Error) => void): void {
    const peer = this.#peer;
    if (data.length > MAX_MESSAGE_SIZE && this.#state === OPEN && peer !== null) {
      // What ws does to an oversized message: the receiver closes with 1009.
      queueMicrotask(() => callback());
      peer.#shutDown(1009, 'Max payload size exceeded');
      return;
    }
    this.#deliver(data, callback);
  }

  /** The frames as written, unencoded: no JSON, no validation, no copy of a body chunk. */
  sendFrames(frames: Frame[], callback: (error?: Error) => void): void {
    this.#deliver(frames, callback);
  }

  #deliver(message: TunnelMessage, callback: (error?: Error) => void): void {
    const peer = this.#peer;
    if (this.#state !== OPEN || peer === null) {
      queueMicrotask(() => callback(new Error('the in-process tunnel link is closed')));
      return;
    }
    queueMicrotask(() => {
      if (peer.#state === OPEN || peer.#state === CLOSING) peer.emit('message', message, true);
      callback();
    });
  }

  ping(): void {
    const peer = this.#peer;
    if (this.#state !== OPEN || peer === null) return;
    queueMicrotask(() => {
      if (peer.#state !== OPEN) return;
      peer.emit('ping', Buffer.alloc(0));
      // Answered at once, as ws answers a ping.
      if (this.#state === OPEN) this.emit('pong', Buffer.alloc(0));
    });
  }

  close(code = 1000, reason = ''): void {
    this.#shutDown(code, reason);
  }

  terminate(): void {
    this.#shutDown(1006, '');
  }

  /** Both ends close after every message already sent has been delivered. */
  #shutDown(code: number, reason: string): void {
    const peer = this.#peer;
    if (this.#state === CLOSING || this.#state === CLOSED) return;
    this.#state = CLOSING;
    if (peer && peer.#state !== CLOSED) peer.#state = CLOSING;
    queueMicrotask(() => {
      const why = Buffer.from(reason);
      for (const end of peer ? [peer, this] : [this]) {
        if (end.#state === CLOSED) continue;
        end.#state = CLOSED;
        end.emit('close', code, why);
      }
    });
  }

  /** Join two fresh ends and open them. */
  static pair(): { relayEnd: InProcessSocket; clientEnd: InProcessSocket } {
    const relayEnd = new InProcessSocket();
    const clientEnd = new InProcessSocket();
    relayEnd.#peer = clientEnd;
    clientEnd.#peer = relayEnd;
    relayEnd.#state = OPEN;
    clientEnd.#state = OPEN;
    return { relayEnd, clientEnd };
  }
}
