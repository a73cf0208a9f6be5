import { describe, expect, it } from 'vitest';
import { judgeResponseHead, ResponseBodyFraming } from './response-framing.js';

const GET = { method: 'GET', upgrade: false };
const judge = (status: number, headers: string[] = [], request = GET) =>
  judgeResponseHead({ status, headers }, request);

describe('judgeResponseHead', () => {
  it('passes a plain final answer with its declared length and no hop-by-hop headers', () => {
    expect(judge(200, ['Content-Length', '5', 'Connection', 'keep-alive', 'X-A', 'b'])).toEqual({
      kind: 'final',
      status: 200,
      statusText: undefined,
      headers: ['Content-Length', '5', 'X-A', 'b'],
      length: 5,
    });
  });

  it('leaves an undeclared or chunked body to the relay (length null, Transfer-Encoding dropped)', () => {
    expect(judge(200, ['Transfer-Encoding', 'chunked'])).toMatchObject({ kind: 'final', headers: [], length: null });
    expect(judge(500)).toMatchObject({ kind: 'final', length: null });
  });

  it('refuses two Content-Length fields, a list, a sign, junk or a huge number', () => {
    for (const headers of [
      ['content-length', '5', 'Content-Length', '5'],
      ['content-length', '5', 'content-length', '7'],
      ['content-length', '5, 5'],
      ['content-length', '+5'],
      ['content-length', '-1'],
      ['content-length', '0x10'],
      ['content-length', ''],
      ['content-length', '1234567890123456'],
    ]) {
      expect(judge(200, headers), headers.join(' ')).toMatchObject({ kind: 'refuse' });
    }
  });

  it('refuses Content-Length together with Transfer-Encoding', () => {
    expect(judge(200, ['content-length', '5', 'transfer-encoding', 'chunked'])).toEqual({
      kind: 'refuse',
      message: 'Content-Length together with Transfer-Encoding',
    });
  });

  it('treats 1xx as interim, keeping only the Link values of a 103', () => {
    expect(judge(100)).toEqual({ kind: 'interim', hints: [] });
    expect(judge(102, ['link', '</a>'])).toEqual({ kind: 'interim', hints: [] });
    expect(judge(103, ['Link', '</a.css>; rel=preload', 'x', 'y', 'link', '</b.js>; rel=preload'])).toEqual({
      kind: 'interim',
      hints: ['</a.css>; rel=preload', '</b.js>; rel=preload'],
    });
  });

  it('allows 101 only for an upgrade request', () => {
    expect(judge(101, ['upgrade', 'websocket'])).toMatchObject({ kind: 'refuse' });
    expect(judge(101, ['Upgrade', 'websocket', 'Connection', 'upgrade'], { method: 'GET', upgrade: true })).toEqual({
      kind: 'upgrade',
      headers: ['Upgrade', 'websocket', 'Connection', 'Upgrade'],
    });
  });

  it('refuses final statuses outside 200-599', () => {
    for (const status of [0, 99, 600, 700, 999, 1000, 200.5]) {
      expect(judge(status), String(status)).toMatchObject({ kind: 'refuse' });
    }
    for (const status of [200, 299, 404, 599]) expect(judge(status)).toMatchObject({ kind: 'final', status });
  });

  it('gives HEAD, 204 and 304 no body; a 204 loses its Content-Length, the others keep it', () => {
    expect(judge(200, ['content-length', '99'], { method: 'HEAD', upgrade: false })).toMatchObject({
      headers: ['content-length', '99'],
      length: 0,
    });
    expect(judge(304, ['content-length', '99'])).toMatchObject({ headers: ['content-length', '99'], length: 0 });
    expect(judge(204, ['content-length', '99', 'x', 'y'])).toMatchObject({ headers: ['x', 'y'], length: 0 });
  });
});

describe('ResponseBodyFraming', () => {
  it('passes exactly the declared bytes and reports the overrun of the rest', () => {
    const body = new ResponseBodyFraming(5);
    expect(body.take(Buffer.from('abc'))).toEqual({ write: Buffer.from('abc'), complete: false, overrun: false });
    const step = body.take(Buffer.from('de' + 'HTTP/1.1 200 OK\r\n'));
    expect(step.write?.toString()).toBe('de');
    expect(step).toMatchObject({ complete: true, overrun: true });
    expect(body.take(Buffer.from('x'))).toEqual({ write: null, complete: true, overrun: true });
    expect(body.whole()).toBe(true);
  });

  it('is complete at once for a zero length and counts an empty chunk as nothing', () => {
    const body = new ResponseBodyFraming(0);
    expect(body.complete).toBe(true);
    expect(body.take(Buffer.alloc(0))).toEqual({ write: null, complete: true, overrun: false });
  });

  it('reports a short body at the end', () => {
    const body = new ResponseBodyFraming(10);
    body.take(Buffer.from('abc'));
    expect(body.whole()).toBe(false);
    expect(body.complete).toBe(false);
  });

  it('passes everything when no length was declared', () => {
    const body = new ResponseBodyFraming(null);
    const chunk = Buffer.alloc(1000, 1);
    expect(body.take(chunk)).toEqual({ write: chunk, complete: false, overrun: false });
    expect(body.whole()).toBe(true);
  });
});
