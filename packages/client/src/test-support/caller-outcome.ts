import { createHash } from 'node:crypto';
import { type Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';

/** What a caller saw: a whole response, or a connection cut before the response was whole. */
export interface Outcome {
  status: number;
  code: string | undefined;
  body: Buffer;
  headers: Record<string, string | string[] | undefined>;
  cut: boolean;
}

export function attempt(url: string, method: string, agent: Agent): Promise<Outcome> {
  return new Promise((resolve) => {
    const cut = (partial?: Partial<Outcome>) =>
      resolve({ status: 0, code: undefined, body: Buffer.alloc(0), headers: {}, ...partial, cut: true });
    const req = request(url, { method, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', () => cut({ status: res.statusCode ?? 0 }));
      res.on('aborted', () => cut({ status: res.statusCode ?? 0 }));
      res.on('end', () => {
        const code = res.headers['hookline-error'];
        resolve({
          status: res.statusCode ?? 0,
          code: typeof code === 'string' ? code : undefined,
          body: Buffer.concat(chunks),
          headers: res.headers,
          cut: false,
        });
      });
    });
    req.on('error', () => cut());
    req.end();
  });
}

/** The honest origin's answer to `/h/<seed>/<size>/<mode>`: bytes anyone can recompute. */
export function honestBytes(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let at = 0; at < size; at += block.length) {
    block.copy(out, at);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** A caller that sends a request and then reads nothing until told to. */
export interface StalledCaller {
  socket: Socket;
  /** Start reading; resolves with every byte the relay sent once it closed the connection. */
  drain(): Promise<string>;
}

export function stalledCaller(port: number, path: string): StalledCaller {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  socket.pause();
  return {
    socket,
    drain: () =>
      new Promise((resolve) => {
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.once('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
        socket.resume();
      }),
  };
}
