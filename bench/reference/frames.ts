/**
 * The wire of the reference prototype (see relay.ts): one frame is
 * `length:u32 | type:u8 | id:u32 | headLength:u32 | head JSON | body`, and every
 * frame produced in one event-loop turn leaves in a single WebSocket message.
 */
import type { WebSocket } from 'ws';

export const REQUEST = 1;
export const RESPONSE = 2;

export interface ReferenceFrame {
  type: number;
  id: number;
  head: unknown;
  body: Buffer;
}

export function encodeFrame(type: number, id: number, head: unknown, body: Buffer): Buffer {
  const json = Buffer.from(JSON.stringify(head));
  const frame = Buffer.allocUnsafe(13 + json.length + body.length);
  frame.writeUInt32BE(9 + json.length + body.length, 0);
  frame.writeUInt8(type, 4);
  frame.writeUInt32BE(id, 5);
  frame.writeUInt32BE(json.length, 9);
  json.copy(frame, 13);
  body.copy(frame, 13 + json.length);
  return frame;
}

export function decodeFrames(message: Buffer): ReferenceFrame[] {
  const frames: ReferenceFrame[] = [];
  for (let offset = 0; offset < message.length; ) {
    const length = message.readUInt32BE(offset);
    const headLength = message.readUInt32BE(offset + 9);
    const headEnd = offset + 13 + headLength;
    frames.push({
      type: message.readUInt8(offset + 4),
      id: message.readUInt32BE(offset + 5),
      head: JSON.parse(message.toString('utf8', offset + 13, headEnd)),
      body: message.subarray(headEnd, offset + 4 + length),
    });
    offset += 4 + length;
  }
  return frames;
}

/** Frames sent in one turn go out as one message. */
export function batchedSender(socket: () => WebSocket | null): (frame: Buffer) => void {
  let pending: Buffer[] = [];
  const flush = () => {
    const frames = pending;
    pending = [];
    socket()?.send(frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames), { binary: true });
  };
  return (frame) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(frame);
  };
}

/** Headers a proxy must not forward. */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
