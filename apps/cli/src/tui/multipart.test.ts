import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { multipartBoundary, parseMultipart } from './multipart.js';

const crlf = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');

describe('multipartBoundary', () => {
  it('reads the boundary of multipart types, quoted or not', () => {
    expect(multipartBoundary('multipart/form-data; boundary=----abc123')).toBe('----abc123');
    expect(multipartBoundary('Multipart/Mixed; charset=utf-8; BOUNDARY="a b:c"')).toBe('a b:c');
    expect(multipartBoundary('application/json; boundary=x')).toBeNull();
    expect(multipartBoundary('multipart/form-data')).toBeNull();
  });
});

describe('parseMultipart', () => {
  it('splits parts into header lines and exact bytes, preamble and epilogue left out', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00]);
    const body = Buffer.concat([
      crlf('preamble', '--XYZ', 'Content-Disposition: form-data; name="note"', '', 'hello', '--XYZ'),
      crlf('', 'Content-Disposition: form-data; name="file"; filename="a.png"', 'Content-Type: image/png', '', ''),
      png,
      crlf('', '--XYZ--', 'epilogue'),
    ]);
    const parsed = parseMultipart(body, 'XYZ');
    expect(parsed?.complete).toBe(true);
    expect(parsed?.parts).toHaveLength(2);
    expect(parsed?.parts[0]).toEqual({
      headers: [['Content-Disposition', 'form-data; name="note"']],
      body: Buffer.from('hello'),
    });
    expect(parsed?.parts[1]?.headers[1]).toEqual(['Content-Type', 'image/png']);
    expect(parsed?.parts[1]?.body.equals(png)).toBe(true);
  });

  it('keeps what there is of a body cut inside a part, and says it is incomplete', () => {
    const parsed = parseMultipart(crlf('--b', 'Content-Type: text/plain', '', 'cut here'), 'b');
    expect(parsed).toEqual({
      parts: [{ headers: [['Content-Type', 'text/plain']], body: Buffer.from('cut here') }],
      complete: false,
    });
  });

  it('accepts bare LF line ends and parts without headers', () => {
    const parsed = parseMultipart(Buffer.from('--b\n\nno headers\n--b--\n'), 'b');
    expect(parsed?.parts).toEqual([{ headers: [], body: Buffer.from('no headers') }]);
  });

  it('is null when the boundary never appears', () => {
    expect(parseMultipart(Buffer.from('just text'), 'b')).toBeNull();
  });

  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('b', 'XYZ', '--'), (bytes, boundary) => {
        const parsed = parseMultipart(Buffer.from(bytes), boundary);
        if (parsed) for (const part of parsed.parts) expect(part.body.length).toBeLessThanOrEqual(bytes.length);
      }),
    );
  });

  it('finds every part of a body it is given, whatever the part bytes hold', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 1, maxLength: 5 }), (bodies) => {
        const boundary = 'zz-boundary-9f3';
        const encoded = Buffer.concat([
          ...bodies.flatMap((b) => [crlf(`--${boundary}`, 'X-Part: 1', '', ''), Buffer.from(b), Buffer.from('\r\n')]),
          Buffer.from(`--${boundary}--\r\n`),
        ]);
        const parsed = parseMultipart(encoded, boundary);
        expect(parsed?.complete).toBe(true);
        expect(parsed?.parts.map((part) => Buffer.from(part.body).toString('hex'))).toEqual(
          bodies.map((b) => Buffer.from(b).toString('hex')),
        );
      }),
    );
  });
});
