import { EventEmitter } from 'node:events';
import { MAX_MESSAGE_SIZE } from './constants.js';
import type { TunnelSocket } from './tunnel-socket.js';

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
 * Delivery is asynchronous (a microtask), in order, like a socket: a handler never
 * runs inside the sender's call. The receiver may keep the buffers it gets
 * (`retainsMessages`), so a FrameWriter never reuses one.
 */
export class InProcessSocket extends EventEmitter implements TunnelSocket {
  readonly OPEN = OPEN;
  readonly CLOSED = CLOSED;
  readonly retainsMessages = true;
  /** Nothing waits in a kernel buffer: a message is the receiver's once sent. */
  readonly bufferedAmount = 0;
  #state = CONNECTING;
  #peer: InProcessSocket | null = null;

  get readyState(): number {
    return this.#state;
  }

  send(data: Buffer, callback: (error?: Error) => void): void {
    const peer = this.#peer;
    if (this.#state !== OPEN || peer === null) {
      queueMicrotask(() => callback(new Error('the in-process tunnel link is closed')));
      return;
    }
    if (data.length > MAX_MESSAGE_SIZE) {
      // What ws does to an oversized message: the receiver closes with 1009.
      queueMicrotask(() => callback());
      peer.#shutDown(1009, 'Max payload size exceeded');
      return;
    }
    queueMicrotask(() => {
      if (peer.#state === OPEN || peer.#state === CLOSING) peer.emit('message', data, true);
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
