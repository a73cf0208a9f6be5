import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CaptureError } from '@hookline/capture';
import type { CaptureService, ReplayRequest } from './capture-service.js';
import { decodeReplayRequest, encodeRecord } from './control-wire.js';

/** Largest replay request body accepted (an edited body up to the capture cap, in base64). */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export interface ControlServer {
  port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) req.destroy(new Error('request too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

async function route(service: CaptureService, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://control');
  const parts = url.pathname.split('/').filter(Boolean);
  if (req.method === 'GET' && parts.join('/') === 'v1/captures') {
    const limit = url.searchParams.get('limit');
    const captures = await service.list({
      ...(limit === null ? {} : { limit: Number(limit) }),
      filter: url.searchParams.get('filter') ?? '',
      withoutBodies: url.searchParams.get('bodies') === '0',
    });
    return send(res, 200, { captures: captures.map(encodeRecord) });
  }
  const id = parts[2];
  if (parts[0] === 'v1' && parts[1] === 'captures' && id !== undefined) {
    if (req.method === 'GET' && parts.length === 3) {
      const record = await service.get(id);
      return record
        ? send(res, 200, encodeRecord(record))
        : send(res, 404, { code: 'E_CAPTURE_NOT_FOUND', message: `no capture with id ${id}` });
    }
    if (req.method === 'POST' && parts.length === 4 && parts[3] === 'replay') {
      const request: ReplayRequest = decodeReplayRequest(await readJson(req));
      return send(res, 200, encodeRecord(await service.replay(id, request)));
    }
  }
  send(res, 404, { code: 'E_NOT_FOUND', message: `no route ${req.method} ${url.pathname}` });
}

/**
 * The control endpoint of a running `hookline http`: the single writer of its
 * store, so `hookline requests|replay|export` go through it instead of opening
 * the file themselves. Loopback only, and a bearer token from the 0600 lock file.
 */
export async function startControlServer(service: CaptureService, token: () => string): Promise<ControlServer> {
  const server: Server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${token()}`) {
      req.resume();
      return send(res, 401, { code: 'E_UNAUTHORIZED', message: 'missing or wrong control token' });
    }
    route(service, req, res).catch((error: Error) => {
      if (error instanceof CaptureError)
        send(res, error.code === 'E_CAPTURE_NOT_FOUND' ? 404 : 400, { code: error.code, message: error.message });
      else send(res, 500, { code: 'E_INTERNAL', message: error.message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
