/**
 * The reference prototype's client (see relay.ts), in its own process: one
 * WebSocket to the relay, each request sent to the origin through an undici pool.
 * `client.ts <tunnelPort> <originPort>`; prints { connected: true } once open.
 */
import { Pool } from 'undici';
import WebSocket from 'ws';
import { batchedSender, decodeFrames, encodeFrame, HOP_BY_HOP, REQUEST, RESPONSE } from './frames.js';

const [tunnelPort, originPort] = process.argv.slice(2).map(Number);
const origin = new Pool(`http://127.0.0.1:${originPort}`, { connections: 64 });
const socket = new WebSocket(`ws://127.0.0.1:${tunnelPort}`, { perMessageDeflate: false });
const send = batchedSender(() => socket);

interface RequestHead {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
}

async function forward(id: number, head: RequestHead, body: Buffer): Promise<void> {
  let status = 502;
  const headers: Record<string, string | string[]> = {};
  let answer = Buffer.alloc(0);
  try {
    const response = await origin.request({
      method: head.method as 'POST',
      path: head.path,
      headers: head.headers,
      body: body.length > 0 ? body : null,
    });
    status = response.statusCode;
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    answer = Buffer.from(await response.body.arrayBuffer());
  } catch {
    // The 502 above is the answer.
  }
  send(encodeFrame(RESPONSE, id, { status, headers }, answer));
}

socket.on('open', () => process.stdout.write(`${JSON.stringify({ connected: true, pid: process.pid })}\n`));
socket.on('message', (data: Buffer) => {
  for (const frame of decodeFrames(data)) {
    if (frame.type === REQUEST) void forward(frame.id, frame.head as RequestHead, frame.body);
  }
});
socket.on('close', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));
