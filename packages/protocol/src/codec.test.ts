import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DecodeResult, decodeMessage, encodeFrame, encodeFrameHeader } from './codec.js';
import { FRAME_HEADER_SIZE, MAX_CHUNK_SIZE, MAX_JSON_PAYLOAD } from './constants.js';
import { ERROR_STATUS, type ErrorCode, HooklineError, ProtocolError } from './errors.js';
import { type Frame, FrameType, type FrameTypeName, isControlType } from './frames.js';
import { HANDSHAKE_KINDS } from './relay-answers.js';

// ---------------------------------------------------------------------------
// Arbitraries: every one of them produces only schema-valid messages.
// ---------------------------------------------------------------------------

const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ID_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-';
const charCode = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCharCode(c));

const token = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength, maxLength });
/** Header values: tab, visible ASCII and obs-text; never CR, LF, NUL or other controls. */
const headerValue = fc.string({
  unit: fc.oneof(fc.constant('\t'), charCode(0x20, 0x7e), charCode(0x80, 0xff)),
  maxLength: 200,
});
const rawHeaders = fc.array(fc.tuple(token(1, 40), headerValue), { maxLength: 30 }).map((pairs) => pairs.flat());

/** Any UTF-16 text, lone surrogates and control characters included: JSON must carry them intact. */
const anyChar = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), charCode(0, 0xffff));
/** Text of at most `max` UTF-16 units (a 'binary' unit may take two), with the exact limit as an edge case. */
const text = (max: number, minLength = 0) =>
  fc.oneof(
    { weight: 9, arbitrary: fc.string({ unit: anyChar, minLength, maxLength: Math.floor(max / 2) }) },
    { weight: 1, arbitrary: fc.constant('x'.repeat(max)) },
  );

const errorCode = fc.constantFrom(...(Object.keys(ERROR_STATUS) as ErrorCode[]));
const positiveInt = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const controlStream = fc.constant(0);
const dataStream = fc.integer({ min: 1, max: 0xffffffff });
/** JSON has no -0, NaN or Infinity; everything else must survive exactly. */
const finiteNumber = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0));

const hello = fc.record(
  {
    versions: fc.array(positiveInt, { minLength: 1, maxLength: 16 }),
    clientId: fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 16, maxLength: 64 }),
    name: text(63),
    agent: text(200),
    handshakes: fc.subarray([...HANDSHAKE_KINDS], { minLength: 1 }),
    handshakeSecrets: fc.record({ zoom: text(256, 1) }),
    offlineResponse: fc.record({
      status: fc.integer({ min: 200, max: 599 }),
      headers: fc
        .array(
          fc.tuple(
            token(1, 40).filter(
              (name) => !/^(content-length|transfer-encoding|connection|keep-alive|upgrade|trailer|te)$/i.test(name),
            ),
            headerValue,
          ),
          { maxLength: 16 },
        )
        .map((pairs) => pairs.flat()),
      body: fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes).toString('base64')),
    }),
  },
  { requiredKeys: ['versions', 'clientId'] },
);
const relayAnswer = fc.record(
  {
    kind: fc.constant('handshake' as const),
    handshake: fc.constantFrom(...HANDSHAKE_KINDS),
    method: token(1, 32),
    target: text(1024, 1),
    headers: rawHeaders,
    body: fc.uint8Array({ maxLength: 512 }).map((bytes) => Buffer.from(bytes).toString('base64')),
    remoteAddress: text(100),
    protocol: fc.constantFrom('http' as const, 'https' as const),
    host: text(1024),
    publicPath: text(1024),
    receivedAt: finiteNumber,
    response: fc.record({
      status: fc.integer({ min: 100, max: 599 }),
      headers: fc.constant<string[]>(['content-type', 'text/plain']),
      body: text(8192),
    }),
  },
  {
    requiredKeys: [
      'kind',
      'handshake',
      'method',
      'target',
      'headers',
      'body',
      'remoteAddress',
      'protocol',
      'host',
      'receivedAt',
      'response',
    ],
  },
);
const ready = fc.record({
  version: positiveInt,
  sessionId: text(64),
  name: text(63),
  urls: fc.array(text(2048), { minLength: 1, maxLength: 8 }),
  window: fc.integer({ min: 1, max: 2 ** 31 }),
  heartbeatMs: positiveInt,
});
const errorMessage = fc.record({ code: errorCode, message: text(4096) });
const requestHead = fc.record(
  {
    method: token(1, 32),
    target: text(64 * 1024, 1),
    headers: rawHeaders,
    remoteAddress: text(100),
    protocol: fc.constantFrom('http' as const, 'https' as const),
    host: text(1024),
    publicPath: text(64 * 1024, 1),
    upgrade: fc.boolean(),
    hasBody: fc.boolean(),
    receivedAt: finiteNumber,
  },
  // publicPath is optional: a head with or without it round-trips.
  {
    requiredKeys: [
      'method',
      'target',
      'headers',
      'remoteAddress',
      'protocol',
      'host',
      'upgrade',
      'hasBody',
      'receivedAt',
    ],
  },
);
const responseHead = fc.record(
  { status: fc.integer({ min: 100, max: 999 }), statusText: headerValue, headers: rawHeaders },
  { requiredKeys: ['status', 'headers'] },
);
const deliveryAck = fc.record({ deliveryId: text(128), status: fc.integer({ min: 0, max: 999 }) });

/** Deterministic filler so big chunks cost one PRNG loop instead of 64 Ki generated elements. */
function pseudoRandomBytes(length: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let x = seed | 0 || 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const bodyChunk = (maxLength: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: Math.min(512, maxLength) }).map((u) => Buffer.from(u)) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: 0, max: maxLength }), fc.integer())
        .map(([length, seed]) => pseudoRandomBytes(length, seed)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(0, 1, maxLength - 1, maxLength), fc.integer())
        .map(([length, seed]) => pseudoRandomBytes(length, seed)),
    },
  );

/** One arbitrary per frame type; the Record type makes the compiler check that none is missing. */
function frameArbitraries(maxBody: number): Record<FrameTypeName, fc.Arbitrary<Frame>> {
  return {
    HELLO: hello.map((message): Frame => ({ type: FrameType.HELLO, stream: 0, message })),
    READY: fc
      .tuple(controlStream, ready)
      .map(([stream, message]): Frame => ({ type: FrameType.READY, stream, message })),
    ERROR: errorMessage.map((message): Frame => ({ type: FrameType.ERROR, stream: 0, message })),
    REQUEST_HEAD: fc
      .tuple(dataStream, requestHead)
      .map(([stream, head]): Frame => ({ type: FrameType.REQUEST_HEAD, stream, head })),
    REQUEST_BODY: fc
      .tuple(dataStream, bodyChunk(maxBody))
      .map(([stream, chunk]): Frame => ({ type: FrameType.REQUEST_BODY, stream, chunk })),
    REQUEST_END: dataStream.map((stream): Frame => ({ type: FrameType.REQUEST_END, stream })),
    RESPONSE_HEAD: fc
      .tuple(dataStream, responseHead)
      .map(([stream, head]): Frame => ({ type: FrameType.RESPONSE_HEAD, stream, head })),
    RESPONSE_BODY: fc
      .tuple(dataStream, bodyChunk(maxBody))
      .map(([stream, chunk]): Frame => ({ type: FrameType.RESPONSE_BODY, stream, chunk })),
    RESPONSE_END: dataStream.map((stream): Frame => ({ type: FrameType.RESPONSE_END, stream })),
    RESET: fc
      .tuple(dataStream, errorMessage)
      .map(([stream, reset]): Frame => ({ type: FrameType.RESET, stream, reset })),
    WINDOW: fc
      .tuple(dataStream, fc.integer({ min: 1, max: 0xffffffff }))
      .map(([stream, credit]): Frame => ({ type: FrameType.WINDOW, stream, credit })),
    DELIVERY_ACK: fc
      .tuple(dataStream, deliveryAck)
      .map(([stream, ack]): Frame => ({ type: FrameType.DELIVERY_ACK, stream, ack })),
    QUEUE_STATUS: fc
      .record({ pending: fc.nat(), failed: fc.nat() })
      .map((status): Frame => ({ type: FrameType.QUEUE_STATUS, stream: 0, status })),
    RELAY_ANSWER: relayAnswer.map((answer): Frame => ({ type: FrameType.RELAY_ANSWER, stream: 0, answer })),
  };
}

const FRAMES = frameArbitraries(MAX_CHUNK_SIZE);
const anyFrame = fc.oneof(...Object.values(FRAMES));
/** Small frames for fuzzing, so mutations land in headers as often as in payloads. */
const anySmallFrame = fc.oneof(...Object.values(frameArbitraries(64)));

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

function rawFrame(type: number, stream: number, payload: Buffer | string, length?: number): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([encodeFrameHeader(type, stream, length ?? bytes.length), bytes]);
}

/** Body chunks compared as base64: deep-equality walks a 64 KiB Buffer byte by byte, slowly. */
function comparable(result: DecodeResult): unknown {
  if (!result.ok) return { ok: false, error: result.error.message };
  return { ok: true, frames: result.frames.map(comparableFrame) };
}
function comparableFrame(frame: Frame): unknown {
  return 'chunk' in frame ? { ...frame, chunk: frame.chunk.toString('base64') } : frame;
}

function decodeError(data: Buffer): ProtocolError {
  const result = decodeMessage(data);
  if (result.ok) throw new Error(`expected a protocol error, decoded ${result.frames.length} frame(s)`);
  expect(result.error).toBeInstanceOf(ProtocolError);
  expect(result.error.code).toBe('E_PROTOCOL');
  return result.error;
}

/** The contract of decodeMessage for any input: a result, never a throw, and only E_PROTOCOL errors. */
function checkDecodeContract(data: Buffer): void {
  let result: DecodeResult;
  try {
    result = decodeMessage(data);
  } catch (error) {
    throw new Error(`decodeMessage threw for ${data.toString('hex').slice(0, 200)}: ${String(error)}`);
  }
  if (!result.ok) {
    expect(result.error).toBeInstanceOf(ProtocolError);
    expect(result.error.code).toBe('E_PROTOCOL');
    expect(result.error.status).toBe(502);
    expect(result.error.message.length).toBeGreaterThan(0);
    return;
  }
  expect(result.frames.length).toBeGreaterThan(0);
  for (const frame of result.frames) {
    expect(isControlType(frame.type)).toBe(frame.stream === 0);
    if (frame.type === FrameType.REQUEST_BODY || frame.type === FrameType.RESPONSE_BODY) {
      expect(frame.chunk.length).toBeLessThanOrEqual(MAX_CHUNK_SIZE);
    }
    if (frame.type === FrameType.WINDOW) expect(frame.credit).toBeGreaterThan(0);
  }
  // Whatever the decoder accepts, the encoder can send back and the decoder accepts again, unchanged.
  const reencoded = Buffer.concat(result.frames.map(encodeFrame));
  const again = decodeMessage(reencoded);
  expect(again.ok).toBe(true);
  if (again.ok) expect(Buffer.concat(again.frames.map(encodeFrame)).equals(reencoded)).toBe(true);
}

const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

describe('codec round-trip', () => {
  for (const [name, arbitrary] of Object.entries(FRAMES)) {
    it(`decodes an encoded ${name} frame to the same frame`, () => {
      fc.assert(
        fc.property(arbitrary, (frame) => {
          expect(frame.type).toBe(FrameType[name as FrameTypeName]);
          const encoded = encodeFrame(frame);
          expect(encoded.readUInt8(0)).toBe(frame.type);
          expect(encoded.readUInt32BE(1)).toBe(frame.stream);
          expect(encoded.readUInt32BE(5)).toBe(encoded.length - FRAME_HEADER_SIZE);
          expect(comparable(decodeMessage(encoded))).toEqual({ ok: true, frames: [comparableFrame(frame)] });
        }),
      );
    });
  }

  it('decodes several frames batched in one message to the same list, in order', () => {
    fc.assert(
      fc.property(fc.array(anyFrame, { minLength: 1, maxLength: 10 }), (frames) => {
        const message = Buffer.concat(frames.map(encodeFrame));
        expect(comparable(decodeMessage(message))).toEqual({ ok: true, frames: frames.map(comparableFrame) });
      }),
      { numRuns: 200 },
    );
  });

  it('accepts body chunks of exactly MAX_CHUNK_SIZE and empty ones', () => {
    for (const size of [0, MAX_CHUNK_SIZE]) {
      const chunk = pseudoRandomBytes(size, size + 1);
      const result = decodeMessage(encodeFrame({ type: FrameType.RESPONSE_BODY, stream: 3, chunk }));
      expect(result).toEqual({ ok: true, frames: [{ type: FrameType.RESPONSE_BODY, stream: 3, chunk }] });
    }
  });

  it('writes the header as type:u8 | stream:u32be | length:u32be', () => {
    expect(encodeFrameHeader(0x31, 0x01020304, 0xa0b0c0d0)).toEqual(
      Buffer.from([0x31, 0x01, 0x02, 0x03, 0x04, 0xa0, 0xb0, 0xc0, 0xd0]),
    );
    expect(encodeFrame({ type: FrameType.WINDOW, stream: 0xffffffff, credit: 0xffffffff })).toEqual(
      Buffer.from([0x31, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 4, 0xff, 0xff, 0xff, 0xff]),
    );
  });
});

describe('decodeMessage on hostile input', () => {
  it('never throws on arbitrary bytes and only reports E_PROTOCOL errors', () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 4096 }),
      fc.uint8Array({ maxLength: 4096, size: 'large' }),
      // A plausible first byte gets past the type check more often than chance would.
      fc
        .tuple(fc.constantFrom(...Object.values(FrameType)), fc.uint8Array({ maxLength: 256 }))
        .map(([type, rest]) => Uint8Array.from([type, ...rest])),
    );
    fc.assert(
      fc.property(bytes, (data) => checkDecodeContract(asBuffer(data))),
      { numRuns: 10_000 },
    );
  });

  it('never throws on headers with a known type and a length that is off by a little or a lot', () => {
    const part = fc.record({
      type: fc.oneof(fc.constantFrom(...Object.values(FrameType)), fc.integer({ min: 0, max: 255 })),
      stream: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 0xffffffff })),
      payload: fc.uint8Array({ maxLength: 64 }),
      lengthDelta: fc.oneof(
        { weight: 4, arbitrary: fc.constant(0) },
        { weight: 2, arbitrary: fc.integer({ min: -8, max: 8 }) },
        { weight: 1, arbitrary: fc.integer({ min: -0xffffffff, max: 0xffffffff }) },
      ),
    });
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
        const message = Buffer.concat(
          parts.map(({ type, stream, payload, lengthDelta }) => {
            const length = Math.min(0xffffffff, Math.max(0, payload.length + lengthDelta));
            return rawFrame(type, stream, Buffer.from(payload), length);
          }),
        );
        checkDecodeContract(message);
      }),
      { numRuns: 10_000 },
    );
  });

  it('never throws on mutated valid frames (flipped bytes, truncation, wrong lengths, junk)', () => {
    // Each mutation copes with any length, since an earlier one may have truncated the message.
    const mutation = fc.oneof(
      fc
        .array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 })
        .map((flips) => (data: Buffer) => {
          for (const [at, mask] of flips) {
            if (data.length > 0) data[at % data.length] = (data[at % data.length] ?? 0) ^ mask;
          }
          return data;
        }),
      fc.nat().map((at) => (data: Buffer) => data.subarray(0, at % (data.length + 1))),
      fc.tuple(fc.nat(), fc.integer({ min: 0, max: 0xffffffff })).map(([at, value]) => (data: Buffer) => {
        if (data.length >= 4) data.writeUInt32BE(value, at % (data.length - 3));
        return data;
      }),
      fc.tuple(fc.integer({ min: -16, max: 16 }), fc.integer({ min: 0, max: 255 })).map(([delta, type]) => {
        return (data: Buffer) => {
          if (data.length < FRAME_HEADER_SIZE) return data;
          data.writeUInt32BE(Math.min(0xffffffff, Math.max(0, data.readUInt32BE(5) + delta)), 5);
          data.writeUInt8(type, 0);
          return data;
        };
      }),
      fc.uint8Array({ minLength: 1, maxLength: 32 }).map((junk) => (data: Buffer) => Buffer.concat([data, junk])),
    );
    fc.assert(
      fc.property(
        fc.array(anySmallFrame, { minLength: 1, maxLength: 4 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (frames, mutations) => {
          let data: Buffer = Buffer.concat(frames.map(encodeFrame));
          for (const mutate of mutations) data = mutate(data);
          checkDecodeContract(data);
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('never throws on JSON frames whose JSON is well formed but of any shape', () => {
    const fieldName = fc.constantFrom(
      ...['versions', 'clientId', 'name', 'agent', 'version', 'sessionId', 'urls', 'window', 'code', 'message'],
      ...['method', 'target', 'headers', 'remoteAddress', 'protocol', 'host', 'upgrade', 'hasBody', 'receivedAt'],
      ...['status', 'statusText', 'deliveryId', '__proto__', 'constructor', 'toString'],
    );
    const value = fc.oneof(fc.jsonValue(), fc.dictionary(fieldName, fc.jsonValue()));
    // Mostly whole JSON (schema paths), sometimes cut short (parser paths).
    const cutAt = fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() });
    const jsonTypes = [
      FrameType.HELLO,
      FrameType.READY,
      FrameType.ERROR,
      FrameType.REQUEST_HEAD,
      FrameType.RESPONSE_HEAD,
      FrameType.RESET,
      FrameType.DELIVERY_ACK,
    ];
    fc.assert(
      fc.property(fc.constantFrom(...jsonTypes), value, cutAt, (type, json, cut) => {
        const text = JSON.stringify(json) ?? '';
        const payload = cut === null ? text : text.slice(0, cut % (text.length + 1));
        checkDecodeContract(rawFrame(type, isControlType(type) ? 0 : 1, payload));
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('decodeMessage errors', () => {
  const head = {
    method: 'GET',
    target: '/',
    headers: ['Host', 'example.test'],
    remoteAddress: '127.0.0.1',
    protocol: 'https',
    host: 'example.test',
    upgrade: false,
    hasBody: false,
    receivedAt: 0,
  };

  it('rejects an empty message', () => {
    expect(decodeError(Buffer.alloc(0)).message).toBe('empty message');
  });

  it('rejects a truncated frame header, alone or after a valid frame', () => {
    expect(decodeError(Buffer.from([0x11, 0, 0, 0])).message).toBe('truncated frame header');
    const end = encodeFrame({ type: FrameType.REQUEST_END, stream: 1 });
    expect(decodeError(Buffer.concat([end, end.subarray(0, FRAME_HEADER_SIZE - 1)])).message).toBe(
      'truncated frame header',
    );
  });

  it('rejects a payload shorter than its declared length, naming the frame type', () => {
    expect(decodeError(rawFrame(FrameType.REQUEST_BODY, 1, 'abc', 10)).message).toBe('truncated REQUEST_BODY frame');
    expect(decodeError(rawFrame(FrameType.REQUEST_BODY, 1, '', 0xffffffff)).message).toBe(
      'truncated REQUEST_BODY frame',
    );
  });

  it('rejects an unknown frame type, showing it in hex', () => {
    expect(decodeError(rawFrame(0x7f, 1, '')).message).toBe('unknown frame type 0x7f');
    expect(decodeError(rawFrame(0x00, 0, '')).message).toBe('unknown frame type 0x00');
  });

  it('rejects a control frame on a non-zero stream', () => {
    const hello = JSON.stringify({ versions: [1], clientId: 'a'.repeat(16) });
    expect(decodeError(rawFrame(FrameType.HELLO, 5, hello)).message).toBe('HELLO must be on stream 0');
    expect(decodeError(rawFrame(FrameType.ERROR, 1, '{}')).message).toBe('ERROR must be on stream 0');
  });

  it('rejects a stream frame on stream 0', () => {
    expect(decodeError(rawFrame(FrameType.REQUEST_BODY, 0, 'x')).message).toBe('REQUEST_BODY must not be on stream 0');
    expect(decodeError(rawFrame(FrameType.WINDOW, 0, Buffer.from([0, 0, 0, 1]))).message).toBe(
      'WINDOW must not be on stream 0',
    );
  });

  it('rejects a body chunk larger than 64 KiB', () => {
    const chunk = Buffer.alloc(MAX_CHUNK_SIZE + 1);
    expect(decodeError(rawFrame(FrameType.RESPONSE_BODY, 2, chunk)).message).toBe(
      `body chunk of ${MAX_CHUNK_SIZE + 1} bytes`,
    );
  });

  it('rejects a WINDOW with zero credit or a payload that is not 4 bytes', () => {
    expect(decodeError(rawFrame(FrameType.WINDOW, 1, Buffer.alloc(4))).message).toBe('WINDOW credit must be positive');
    expect(decodeError(rawFrame(FrameType.WINDOW, 1, Buffer.alloc(3, 1))).message).toBe(
      'WINDOW payload must be 4 bytes',
    );
    expect(decodeError(rawFrame(FrameType.WINDOW, 1, Buffer.alloc(5, 1))).message).toBe(
      'WINDOW payload must be 4 bytes',
    );
  });

  it('rejects an END frame that carries a payload', () => {
    expect(decodeError(rawFrame(FrameType.RESPONSE_END, 1, 'x')).message).toBe('RESPONSE_END with a payload');
  });

  it('rejects a JSON frame whose payload is not JSON', () => {
    expect(decodeError(rawFrame(FrameType.REQUEST_HEAD, 1, '{"method":')).message).toBe('payload is not valid JSON');
    expect(decodeError(rawFrame(FrameType.READY, 0, '')).message).toBe('payload is not valid JSON');
  });

  it('rejects a JSON payload above MAX_JSON_PAYLOAD before parsing it', () => {
    const payload = Buffer.alloc(MAX_JSON_PAYLOAD + 1, 0x20);
    expect(decodeError(rawFrame(FrameType.DELIVERY_ACK, 1, payload)).message).toBe(
      `JSON payload of ${MAX_JSON_PAYLOAD + 1} bytes`,
    );
  });

  it('rejects a REQUEST_HEAD with an odd header list, saying where', () => {
    const bad = JSON.stringify({ ...head, headers: ['Host'] });
    expect(decodeError(rawFrame(FrameType.REQUEST_HEAD, 1, bad)).message).toBe(
      'invalid message at headers: headers must be name/value pairs',
    );
  });

  it('rejects header names that are not tokens and values with CR, LF or NUL', () => {
    for (const headers of [
      ['Bad Name', 'x'],
      ['X', 'a\r\nInjected: 1'],
      ['X', 'a\0b'],
      ['', 'x'],
    ]) {
      const bad = JSON.stringify({ status: 200, headers });
      expect(decodeError(rawFrame(FrameType.RESPONSE_HEAD, 1, bad)).message).toBe(
        'invalid message at headers: invalid header name or value',
      );
    }
  });

  it('rejects a reason phrase that could not sit in a status line (CR, LF, NUL, beyond Latin-1)', () => {
    for (const statusText of ['OK\r\nInjected: 1', 'a\0b', 'Gut \u2713']) {
      const bad = JSON.stringify({ status: 200, statusText, headers: [] });
      expect(decodeError(rawFrame(FrameType.RESPONSE_HEAD, 1, bad)).message).toBe(
        'invalid message at statusText: invalid reason phrase',
      );
    }
  });

  it('rejects schema mismatches with the path of the offending field', () => {
    const noClientId = JSON.stringify({ versions: [1] });
    expect(decodeError(rawFrame(FrameType.HELLO, 0, noClientId)).message).toMatch(/^invalid message at clientId: /);
    const badCode = JSON.stringify({ code: 'E_NOPE', message: 'x' });
    expect(decodeError(rawFrame(FrameType.ERROR, 0, badCode)).message).toBe(
      'invalid message at code: unknown error code',
    );
    expect(decodeError(rawFrame(FrameType.RESET, 1, '[]')).message).toMatch(/^invalid message: /);
    const badStatus = JSON.stringify({ deliveryId: 'd', status: 1000 });
    expect(decodeError(rawFrame(FrameType.DELIVERY_ACK, 1, badStatus)).message).toMatch(/^invalid message at status: /);
  });

  it('fails the whole message when any frame in it is bad', () => {
    const good = encodeFrame({ type: FrameType.REQUEST_END, stream: 1 });
    const bad = rawFrame(FrameType.WINDOW, 1, Buffer.alloc(4));
    expect(decodeError(Buffer.concat([good, bad, good])).message).toBe('WINDOW credit must be positive');
  });

  it('reports errors as ProtocolError, a HooklineError with code E_PROTOCOL and status 502', () => {
    const error = decodeError(Buffer.alloc(0));
    expect(error).toBeInstanceOf(HooklineError);
    expect(error.name).toBe('ProtocolError');
    expect(error.status).toBe(ERROR_STATUS.E_PROTOCOL);
  });
});
