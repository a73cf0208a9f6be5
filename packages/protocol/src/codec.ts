import type { z } from 'zod';
import { FRAME_HEADER_SIZE, MAX_CHUNK_SIZE, MAX_JSON_PAYLOAD } from './constants.js';
import { ProtocolError } from './errors.js';
import { type Frame, FrameType, frameTypeName, isControlType } from './frames.js';
import {
  deliveryAckSchema,
  type ErrorMessage,
  errorMessageSchema,
  helloSchema,
  queueStatusSchema,
  readySchema,
  requestHeadSchema,
  resetSchema,
  responseHeadSchema,
} from './messages.js';
import { relayAnswerSchema } from './relay-answers.js';
import type { TunnelMessage } from './tunnel-socket.js';

/**
 * Wire layout of one frame: `type:u8 | stream:u32 | length:u32 | payload`.
 * One WebSocket message carries one or more frames back to back, so a batch of
 * small frames costs one message (see FrameWriter).
 */
export function encodeFrameHeader(type: number, stream: number, length: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_SIZE);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(stream, 1);
  header.writeUInt32BE(length, 5);
  return header;
}

/** The payload bytes of a frame (body chunks are returned as is, never copied). */
export function encodePayload(frame: Frame): Buffer {
  switch (frame.type) {
    case FrameType.HELLO:
    case FrameType.READY:
    case FrameType.ERROR:
      return Buffer.from(JSON.stringify(frame.message));
    case FrameType.REQUEST_HEAD:
    case FrameType.RESPONSE_HEAD:
      return Buffer.from(JSON.stringify(frame.head));
    case FrameType.REQUEST_BODY:
    case FrameType.RESPONSE_BODY:
      return frame.chunk;
    case FrameType.REQUEST_END:
    case FrameType.RESPONSE_END:
      return EMPTY;
    case FrameType.RESET:
      return Buffer.from(JSON.stringify(frame.reset));
    case FrameType.WINDOW: {
      const credit = Buffer.allocUnsafe(4);
      credit.writeUInt32BE(frame.credit, 0);
      return credit;
    }
    case FrameType.DELIVERY_ACK:
      return Buffer.from(JSON.stringify(frame.ack));
    case FrameType.QUEUE_STATUS:
      return Buffer.from(JSON.stringify(frame.status));
    case FrameType.RELAY_ANSWER:
      return Buffer.from(JSON.stringify(frame.answer));
  }
}

const EMPTY = Buffer.alloc(0);

/** Encode one frame into a single buffer (tests and control messages). */
export function encodeFrame(frame: Frame): Buffer {
  const payload = encodePayload(frame);
  return Buffer.concat([encodeFrameHeader(frame.type, frame.stream, payload.length), payload]);
}

export type DecodeResult = { ok: true; frames: Frame[] } | { ok: false; error: ProtocolError };

/**
 * Decode every frame of one WebSocket message. Never throws: any malformed input
 * yields `{ ok: false, error }` with a ProtocolError saying what was wrong.
 */
export function decodeMessage(data: Buffer): DecodeResult {
  const frames: Frame[] = [];
  let offset = 0;
  if (data.length === 0) return fail('empty message');
  while (offset < data.length) {
    if (data.length - offset < FRAME_HEADER_SIZE) return fail('truncated frame header');
    const type = data.readUInt8(offset);
    const stream = data.readUInt32BE(offset + 1);
    const length = data.readUInt32BE(offset + 5);
    const start = offset + FRAME_HEADER_SIZE;
    if (length > data.length - start) return fail(`truncated ${frameTypeName(type)} frame`);
    const payload = data.subarray(start, start + length);
    const frame = decodeFrame(type, stream, payload);
    if (frame instanceof ProtocolError) return { ok: false, error: frame };
    frames.push(frame);
    offset = start + length;
  }
  return { ok: true, frames };
}

/**
 * The frames of one tunnel message: decoded and validated when it came over a
 * WebSocket; as they are when an in-process link handed them over (the sender is
 * this process's own relay or client, which built them from validated input).
 */
export function readMessage(data: TunnelMessage): DecodeResult {
  return Buffer.isBuffer(data) ? decodeMessage(data) : { ok: true, frames: data as Frame[] };
}

function fail(message: string): DecodeResult {
  return { ok: false, error: new ProtocolError(message) };
}

function decodeFrame(type: number, stream: number, payload: Buffer): Frame | ProtocolError {
  if (!KNOWN_TYPES.has(type)) return new ProtocolError(`unknown frame type ${frameTypeName(type)}`);
  const control = isControlType(type);
  if (control !== (stream === 0)) {
    return new ProtocolError(`${frameTypeName(type)} must ${control ? '' : 'not '}be on stream 0`);
  }
  switch (type) {
    case FrameType.HELLO:
      return json(payload, helloSchema, (message) => ({ type: FrameType.HELLO, stream, message }));
    case FrameType.READY:
      return json(payload, readySchema, (message) => ({ type: FrameType.READY, stream, message }));
    case FrameType.ERROR:
      return json(payload, errorMessageSchema, (message) => ({
        type: FrameType.ERROR,
        stream,
        message: message as ErrorMessage,
      }));
    case FrameType.REQUEST_HEAD:
      return json(payload, requestHeadSchema, (head) => ({ type: FrameType.REQUEST_HEAD, stream, head }));
    case FrameType.RESPONSE_HEAD:
      return json(payload, responseHeadSchema, (head) => ({ type: FrameType.RESPONSE_HEAD, stream, head }));
    case FrameType.RESET:
      return json(payload, resetSchema, (reset) => ({ type: FrameType.RESET, stream, reset: reset as ErrorMessage }));
    case FrameType.DELIVERY_ACK:
      return json(payload, deliveryAckSchema, (ack) => ({ type: FrameType.DELIVERY_ACK, stream, ack }));
    case FrameType.QUEUE_STATUS:
      return json(payload, queueStatusSchema, (status) => ({ type: FrameType.QUEUE_STATUS, stream, status }));
    case FrameType.RELAY_ANSWER:
      return json(payload, relayAnswerSchema, (answer) => ({ type: FrameType.RELAY_ANSWER, stream, answer }));
    case FrameType.REQUEST_BODY:
    case FrameType.RESPONSE_BODY:
      if (payload.length > MAX_CHUNK_SIZE) return new ProtocolError(`body chunk of ${payload.length} bytes`);
      return { type, stream, chunk: payload };
    case FrameType.REQUEST_END:
    case FrameType.RESPONSE_END:
      if (payload.length !== 0) return new ProtocolError(`${frameTypeName(type)} with a payload`);
      return { type, stream };
    case FrameType.WINDOW: {
      if (payload.length !== 4) return new ProtocolError('WINDOW payload must be 4 bytes');
      const credit = payload.readUInt32BE(0);
      if (credit === 0) return new ProtocolError('WINDOW credit must be positive');
      return { type: FrameType.WINDOW, stream, credit };
    }
    default:
      return new ProtocolError(`unknown frame type ${frameTypeName(type)}`);
  }
}

const KNOWN_TYPES: ReadonlySet<number> = new Set(Object.values(FrameType));

function json<S extends z.ZodType, R extends Frame>(
  payload: Buffer,
  schema: S,
  build: (value: z.infer<S>) => R,
): R | ProtocolError {
  if (payload.length > MAX_JSON_PAYLOAD) return new ProtocolError(`JSON payload of ${payload.length} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return new ProtocolError('payload is not valid JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    return new ProtocolError(`invalid message${where}: ${issue?.message ?? 'schema mismatch'}`);
  }
  return build(parsed.data);
}
