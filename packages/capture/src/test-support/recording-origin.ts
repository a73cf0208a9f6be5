import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

export interface RecordingOrigin {
  url: string;
  port: number;
  readonly received: Received[];
  close(): Promise<void>;
}

/** A real server on 127.0.0.1:0 that keeps every request's exact bytes and answers 202 `seen <n>`. */
export async function startRecordingOrigin(): Promise<RecordingOrigin> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body,
      });
      res.writeHead(202, 'Accepted', { 'content-type': 'application/octet-stream', 'x-seen': String(received.length) });
      res.end(Buffer.concat([Buffer.from('seen '), body.subarray(0, 4)]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
