import { connect } from 'node:net';
import { readBody, startOrigin } from '@hookline/testing';
import { describe, expect, it } from 'vitest';
import { openInProcessTunnel } from './test-support/in-process-tunnel.js';

/**
 * Write raw bytes to the relay and read until it closes. `halfClose` sends FIN
 * right after them; `more` is sent once a `100 Continue` arrives.
 */
function raw(port: number, bytes: string, options: { halfClose?: boolean; more?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(bytes);
      if (options.halfClose) socket.end();
    });
    let text = '';
    let more = options.more;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (more !== undefined && text.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        socket.write(more);
        more = undefined;
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(text));
  });
}

describe('HTTP edge cases get coded answers (hookline-error + message)', () => {
  it('answers each of them, and a request followed by FIN still gets the tunnel response', async () => {
    const local = await startOrigin(async (req, res) => {
      const body = await readBody(req);
      res.end(`local saw ${req.method} ${body.length} bytes`);
    });
    const open = await openInProcessTunnel(local.port, 'edges', { maxBodyBytes: 1000 });
    const { port } = open;
    try {
      const tooBig = await raw(
        port,
        'POST /t/edges/ HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n',
      );
      expect(tooBig).toMatch(/^HTTP\/1\.1 413 /);
      expect(tooBig).toMatch(/hookline-error: E_BODY_TOO_LARGE/);
      // Refused before the body was sent: no interim "go ahead" at all.
      expect(tooBig).not.toMatch(/100 Continue/);

      const fits = await raw(
        port,
        'POST /t/edges/ HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n',
        { more: 'hello' },
      );
      expect(fits).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
      expect(fits).toMatch(/local saw POST 5 bytes$/);

      const noHost = await raw(port, 'GET /t/edges/ HTTP/1.1\r\n\r\n');
      expect(noHost).toMatch(/^HTTP\/1\.1 400 [\s\S]*hookline-error: E_BAD_REQUEST[\s\S]*needs a Host header/);

      const expectation = await raw(port, 'GET /t/edges/ HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n');
      expect(expectation).toMatch(/^HTTP\/1\.1 417 [\s\S]*hookline-error: E_EXPECTATION_FAILED[\s\S]*200-ok/);

      const tunnelling = await raw(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
      expect(tunnelling).toMatch(/^HTTP\/1\.1 405 [\s\S]*hookline-error: E_METHOD_NOT_ALLOWED[\s\S]*not a proxy/);

      const thenFin = await raw(port, 'GET /t/edges/ HTTP/1.1\r\nHost: a\r\n\r\n', { halfClose: true });
      expect(thenFin).toMatch(/^HTTP\/1\.1 200 [\s\S]*local saw GET 0 bytes$/);

      const cutShort = await raw(port, 'GET /t/edges/ HTTP/1.1\r\nHost: a\r\n', { halfClose: true });
      expect(cutShort).toMatch(/^HTTP\/1\.1 400 [\s\S]*hookline-error: E_BAD_REQUEST/);
    } finally {
      await open.close();
      await local.close();
    }
  });
});
