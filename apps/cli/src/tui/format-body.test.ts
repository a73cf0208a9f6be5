import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type BodyView, formatBody } from './format-body.js';
import { hexDump } from './hex-dump.js';
import { highlightJson } from './highlight-json.js';
import { indentXml } from './indent-xml.js';
import { lineText } from './segments.js';

function view(bytes: Buffer | string, contentType = '', contentEncoding = '', extra: Partial<BodyView> = {}): BodyView {
  const buffer = Buffer.from(bytes);
  return { bytes: buffer, size: buffer.length, truncated: false, contentType, contentEncoding, ...extra };
}

const text = (lines: ReturnType<typeof formatBody>) => lines.map(lineText);

describe('highlightJson', () => {
  it('pretty-prints and colours keys, strings, numbers and literals', () => {
    const lines = highlightJson('{"a":"x","n":-1.5e3,"t":true,"z":null}');
    expect(lines?.map(lineText)).toEqual(['{', '  "a": "x",', '  "n": -1500,', '  "t": true,', '  "z": null', '}']);
    const second = lines?.[1] ?? [];
    expect(second.find((s) => s.text === '"a"')?.color).toBe('cyan');
    expect(second.find((s) => s.text === '"x"')?.color).toBe('green');
    expect(lines?.[2]?.find((s) => s.text === '-1500')?.color).toBe('yellow');
    expect(lines?.[3]?.find((s) => s.text === 'true')?.color).toBe('magenta');
  });

  it('returns null for text that is not JSON', () => {
    expect(highlightJson('{nope')).toBeNull();
  });
});

describe('indentXml', () => {
  it('puts each element on its own line, indented by depth', () => {
    const lines = indentXml('<?xml version="1.0"?><a><b x="1">hi</b><c/><!-- n --></a>').map(lineText);
    expect(lines).toEqual([
      '<?xml version="1.0"?>',
      '<a>',
      '  <b x="1">',
      '    hi',
      '  </b>',
      '  <c/>',
      '  <!-- n -->',
      '</a>',
    ]);
  });
});

describe('hexDump', () => {
  it('shows offset, 16 hex bytes and ASCII per line, within 80 columns', () => {
    const lines = hexDump(Buffer.from('Hello, binary!\x00\x01\xff', 'latin1')).map(lineText);
    expect(lines[0]).toBe('00000000  48 65 6c 6c 6f 2c 20 62  69 6e 61 72 79 21 00 01  |Hello, binary!..|');
    expect(lines[1]).toMatch(/^00000010 {2}ff\s+\|\.\|$/);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('stops at the limit and says how much is left', () => {
    expect(hexDump(Buffer.alloc(100), 32).map(lineText).at(-1)).toBe('… 68 more bytes');
  });
});

describe('formatBody', () => {
  it('pretty-prints JSON by content type or by shape', () => {
    expect(text(formatBody(view('{"a":1}', 'application/json')))).toEqual(['{', '  "a": 1', '}']);
    expect(text(formatBody(view('[1]', 'text/plain')))).toEqual(['[', '  1', ']']);
  });

  it('decodes form fields', () => {
    expect(text(formatBody(view('a=1&b=hello+world&c=%C3%A9', 'application/x-www-form-urlencoded')))).toEqual([
      'a = 1',
      'b = hello world',
      'c = é',
    ]);
  });

  it('indents XML', () => {
    expect(text(formatBody(view('<a><b>1</b></a>', 'application/xml')))).toEqual([
      '<a>',
      '  <b>',
      '    1',
      '  </b>',
      '</a>',
    ]);
  });

  it('decompresses gzip for display and says so', () => {
    const lines = text(formatBody(view(gzipSync('{"zipped":true}'), 'application/json', 'gzip')));
    expect(lines[0]).toMatch(/^\(gzip: \d+ B → 15 B\)$/);
    expect(lines.slice(1)).toEqual(['{', '  "zipped": true', '}']);
  });

  it('shows binary as a hex dump and notes truncation', () => {
    const lines = text(
      formatBody(view(Buffer.from([0, 1, 2]), 'application/octet-stream', '', { size: 5_000_000, truncated: true })),
    );
    expect(lines[0]).toBe('(truncated in the capture: 3 B of 4.8 MiB kept)');
    expect(lines[1]).toMatch(/^00000000 {2}00 01 02/);
  });

  it('says when there is no body, or when decoding fails', () => {
    expect(text(formatBody(view('')))).toEqual(['(no body)']);
    expect(text(formatBody(view('not gzip', 'text/plain', 'gzip')))).toEqual([
      '(gzip body could not be decoded; raw bytes below)',
      'not gzip',
    ]);
  });
});

describe('formatBody (multipart)', () => {
  it('shows each part with its headers, text as text and a binary part as hex', () => {
    const body = Buffer.concat([
      Buffer.from(
        '--B\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n{"a":1}\r\n',
      ),
      Buffer.from('--B\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\n\r\n'),
      Buffer.from([0, 1, 2, 0xff]),
      Buffer.from('\r\n--B--\r\n'),
    ]);
    const lines = text(formatBody(view(body, 'multipart/form-data; boundary=B')));
    expect(lines).toEqual([
      '┄ part 1 of 2 (7 B)',
      'Content-Disposition: form-data; name="meta"',
      'Content-Type: application/json',
      '',
      '{',
      '  "a": 1',
      '}',
      '',
      '┄ part 2 of 2 (4 B)',
      'Content-Disposition: form-data; name="f"; filename="x.bin"',
      '',
      expect.stringMatching(/^00000000 {2}00 01 02 ff\s+\|\.\.\.\.\|$/),
    ]);
  });

  it('notes a body cut inside a part, and falls back to plain display without a boundary', () => {
    const cut = text(formatBody(view('--B\r\n\r\nhalf a pa', 'multipart/form-data; boundary=B')));
    expect(cut.at(-1)).toBe('(no closing boundary: the body ends inside a part)');
    expect(text(formatBody(view('not multipart at all', 'multipart/form-data; boundary=B')))).toEqual([
      'not multipart at all',
    ]);
  });
});
