import { describe, expect, it } from 'vitest';
import { encodeFrame, readMessage } from './codec.js';
import { MAX_MESSAGE_SIZE } from './constants.js';
import { FrameWriter } from './frame-writer.js';
import { FrameType } from './frames.js';
import { InProcessSocket } from './in-process-socket.js';
import type { TunnelMessage } from './tunnel-socket.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('InProcessSocket (the embedded relay ⇄ client link)', () => {
  it('delivers messages in order, never inside the sender’s call, and calls back after delivery', async () => {
    const { relayEnd, clientEnd } = InProcessSocket.pair();
    const got: string[] = [];
    clientEnd.on('message', (data: Buffer, isBinary: boolean) => got.push(`${data.toString()}:${isBinary}`));
    const acked: string[] = [];
    relayEnd.send(Buffer.from('one'), () => acked.push(`one after ${got.length}`));
    relayEnd.send(Buffer.from('two'), () => acked.push(`two after ${got.length}`));
    expect(got).toEqual([]);
    await tick();
    expect(got).toEqual(['one:true', 'two:true']);
    expect(acked).toEqual(['one after 1', 'two after 2']);
  });

  it('closes both ends after what was already sent, with the code and reason, once', async () => {
    const { relayEnd, clientEnd } = InProcessSocket.pair();
    const events: string[] = [];
    clientEnd.on('message', (data: Buffer) => events.push(`client got ${data}`));
    clientEnd.on('close', (code: number, reason: Buffer) => events.push(`client closed ${code} ${reason}`));
    relayEnd.on('close', (code: number, reason: Buffer) => events.push(`relay closed ${code} ${reason}`));
    relayEnd.send(Buffer.from('last words'), () => {});
    relayEnd.close(4409, 'E_NAME_IN_USE');
    relayEnd.close(1000, 'again');
    clientEnd.terminate();
    expect(relayEnd.readyState).toBe(2);
    await tick();
    expect(events).toEqual([
      'client got last words',
      'client closed 4409 E_NAME_IN_USE',
      'relay closed 4409 E_NAME_IN_USE',
    ]);
    expect([relayEnd.readyState, clientEnd.readyState]).toEqual([relayEnd.CLOSED, clientEnd.CLOSED]);
  });

  it('fails a send after close through its callback, and delivers nothing', async () => {
    const { relayEnd, clientEnd } = InProcessSocket.pair();
    let delivered = 0;
    clientEnd.on('message', () => delivered++);
    clientEnd.terminate();
    const error = await new Promise<Error | undefined>((resolve) => relayEnd.send(Buffer.from('x'), resolve));
    expect(error?.message).toMatch(/closed/);
    await tick();
    expect(delivered).toBe(0);
  });

  it('answers a ping with a pong, as ws does', async () => {
    const { relayEnd, clientEnd } = InProcessSocket.pair();
    const seen: string[] = [];
    clientEnd.on('ping', () => seen.push('client: ping'));
    relayEnd.on('pong', () => seen.push('relay: pong'));
    relayEnd.ping();
    await tick();
    expect(seen).toEqual(['client: ping', 'relay: pong']);
    clientEnd.close();
    await tick();
    relayEnd.ping();
    await tick();
    expect(seen).toHaveLength(2);
  });

  it('closes with 1009 on a message over the protocol’s maximum, as ws’s maxPayload does', async () => {
    const { relayEnd, clientEnd } = InProcessSocket.pair();
    let delivered = 0;
    clientEnd.on('message', () => delivered++);
    const closed = new Promise<number>((resolve) => relayEnd.once('close', resolve));
    relayEnd.send(Buffer.alloc(MAX_MESSAGE_SIZE + 1), () => {});
    expect(await closed).toBe(1009);
    expect(delivered).toBe(0);
  });

  it('takes a FrameWriter’s frames as written: one message per batch, body chunks not copied', async () => {
    const { relayEnd, clientEnd } = InProcessSocket.pair();
    const messages: TunnelMessage[] = [];
    clientEnd.on('message', (data: TunnelMessage) => messages.push(data));
    const writer = new FrameWriter(relayEnd);
    const chunk = Buffer.alloc(30_000, 1);
    writer.write({ type: FrameType.WINDOW, stream: 1, credit: 5 });
    writer.writeBody(FrameType.REQUEST_BODY, 1, chunk);
    writer.write({ type: FrameType.REQUEST_END, stream: 1 });
    await tick();
    expect(messages).toHaveLength(1);
    const read = readMessage(messages[0] as TunnelMessage);
    if (!read.ok) throw read.error;
    expect(read.frames.map((frame) => frame.type)).toEqual([
      FrameType.WINDOW,
      FrameType.REQUEST_BODY,
      FrameType.REQUEST_END,
    ]);
    const body = read.frames[1];
    expect(body?.type === FrameType.REQUEST_BODY && body.chunk).toBe(chunk);
  });

  it('still carries encoded messages (what refuse-before-session code may send), decoded on receipt', async () => {
    const { relayEnd, clientEnd } = InProcessSocket.pair();
    const got = new Promise<TunnelMessage>((resolve) => clientEnd.once('message', resolve));
    relayEnd.send(encodeFrame({ type: FrameType.REQUEST_END, stream: 3 }), () => {});
    const read = readMessage(await got);
    expect(read.ok && read.frames).toEqual([{ type: FrameType.REQUEST_END, stream: 3 }]);
  });
});
