/**
 * @module @hookline/protocol — the hookline wire format, v1: binary frames over one
 * WebSocket, JSON heads validated on receipt, raw body chunks, per-stream flow
 * control. Pure apart from the Node stream adapters (BodyPump, BodySink).
 */
export { equalJitterDelay } from './backoff.js';
export { BodyPump, type BodyPumpOptions } from './body-pump.js';
export { BodySink, type BodySinkOptions } from './body-sink.js';
export {
  type DecodeResult,
  decodeMessage,
  encodeFrame,
  encodeFrameHeader,
  encodePayload,
  readMessage,
} from './codec.js';
export * from './constants.js';
export { createError, ERROR_STATUS, type ErrorCode, HooklineError, isErrorCode, ProtocolError } from './errors.js';
export { type ForwardedFrom, forwardedHeaders, type HostHeaderMode } from './forwarded-headers.js';
export { FrameWriter, type FrameWriterOptions, type MessageSink } from './frame-writer.js';
export * from './frames.js';
export { declaredContentLength, getRawHeader, rawHeadersToObject, stripHopByHop } from './headers.js';
export { InProcessSocket } from './in-process-socket.js';
export * from './messages.js';
export * from './relay-answers.js';
export type {
  InProcessConnection,
  InProcessConnectRequest,
  InProcessRelay,
  TunnelMessage,
  TunnelSocket,
} from './tunnel-socket.js';
