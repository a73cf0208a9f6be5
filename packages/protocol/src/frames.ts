import type {
  DeliveryAck,
  ErrorMessage,
  Hello,
  QueueStatus,
  Ready,
  RequestHead,
  Reset,
  ResponseHead,
} from './messages.js';
import type { RelayAnswer } from './relay-answers.js';

/** Frame type byte. Control frames (HELLO, READY, ERROR) use stream 0. */
export const FrameType = {
  HELLO: 0x01,
  READY: 0x02,
  ERROR: 0x03,
  QUEUE_STATUS: 0x04,
  RELAY_ANSWER: 0x05,
  REQUEST_HEAD: 0x10,
  REQUEST_BODY: 0x11,
  REQUEST_END: 0x12,
  RESPONSE_HEAD: 0x20,
  RESPONSE_BODY: 0x21,
  RESPONSE_END: 0x22,
  RESET: 0x30,
  WINDOW: 0x31,
  DELIVERY_ACK: 0x40,
} as const;

export type FrameTypeName = keyof typeof FrameType;
export type FrameTypeCode = (typeof FrameType)[FrameTypeName];

type F<T extends FrameTypeName, Extra> = { type: (typeof FrameType)[T]; stream: number } & Extra;

export type HelloFrame = F<'HELLO', { message: Hello }>;
export type ReadyFrame = F<'READY', { message: Ready }>;
export type ErrorFrame = F<'ERROR', { message: ErrorMessage }>;
export type QueueStatusFrame = F<'QUEUE_STATUS', { status: QueueStatus }>;
export type RelayAnswerFrame = F<'RELAY_ANSWER', { answer: RelayAnswer }>;
export type RequestHeadFrame = F<'REQUEST_HEAD', { head: RequestHead }>;
export type RequestBodyFrame = F<'REQUEST_BODY', { chunk: Buffer }>;
export type RequestEndFrame = F<'REQUEST_END', object>;
export type ResponseHeadFrame = F<'RESPONSE_HEAD', { head: ResponseHead }>;
export type ResponseBodyFrame = F<'RESPONSE_BODY', { chunk: Buffer }>;
export type ResponseEndFrame = F<'RESPONSE_END', object>;
export type ResetFrame = F<'RESET', { reset: Reset }>;
export type WindowFrame = F<'WINDOW', { credit: number }>;
export type DeliveryAckFrame = F<'DELIVERY_ACK', { ack: DeliveryAck }>;

/** Every frame of protocol v1, tagged by `type`. */
export type Frame =
  | HelloFrame
  | ReadyFrame
  | ErrorFrame
  | QueueStatusFrame
  | RelayAnswerFrame
  | RequestHeadFrame
  | RequestBodyFrame
  | RequestEndFrame
  | ResponseHeadFrame
  | ResponseBodyFrame
  | ResponseEndFrame
  | ResetFrame
  | WindowFrame
  | DeliveryAckFrame;

const CONTROL_TYPES: ReadonlySet<number> = new Set([
  FrameType.HELLO,
  FrameType.READY,
  FrameType.ERROR,
  FrameType.QUEUE_STATUS,
  FrameType.RELAY_ANSWER,
]);

/** Control frames live on stream 0; every other frame on a stream id ≥ 1. */
export function isControlType(type: number): boolean {
  return CONTROL_TYPES.has(type);
}

export function frameTypeName(type: number): string {
  for (const [name, code] of Object.entries(FrameType)) if (code === type) return name;
  return `0x${type.toString(16).padStart(2, '0')}`;
}
