/** Version spoken by this build; negotiated in HELLO/READY. */
export const PROTOCOL_VERSION = 1;
/** Versions this build can speak, newest first. */
export const SUPPORTED_VERSIONS: readonly number[] = [1];

/** Largest body chunk carried by one frame. */
export const MAX_CHUNK_SIZE = 64 * 1024;
/** Largest JSON payload (heads, control messages) accepted in one frame. */
export const MAX_JSON_PAYLOAD = 256 * 1024;
/** Default per-stream send window: bytes a sender may have unacknowledged. */
export const DEFAULT_STREAM_WINDOW = 1024 * 1024;
/** Frames are batched into one WebSocket message up to this many bytes. */
export const MAX_BATCH_BYTES = 256 * 1024;
/** WebSocket maxPayload both sides accept: one batch plus one frame of slack. */
export const MAX_MESSAGE_SIZE = MAX_BATCH_BYTES + MAX_JSON_PAYLOAD + 1024;
/** Size of `type:u8 | stream:u32 | length:u32`. */
export const FRAME_HEADER_SIZE = 9;
