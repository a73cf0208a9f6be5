import { describe, expect, it } from 'vitest';
import { wholeBody } from './body.js';
import { parseEditedRequest, renderEditableRequest } from './edit-request.js';
import type { CapturedRequest } from './types.js';

function request(body: Buffer | string, headers = ['Content-Type', 'application/json', 'X-A', '1']): CapturedRequest {
  return {
    method: 'POST',
    path: '/hooks?x=1',
    headers,
    body: wholeBody(Buffer.from(body)),
    remoteAddress: '',
    protocol: 'http',
    host: '',
  };
}

describe('renderEditableRequest / parseEditedRequest', () => {
  it('renders request line, headers, blank line, body', () => {
    expect(renderEditableRequest(request('{"a":1}'))).toBe(
      'POST /hooks?x=1\nContent-Type: application/json\nX-A: 1\n\n{"a":1}\n',
    );
  });

  it('an untouched file is no edit at all (with or without the final newline)', () => {
    for (const body of ['{"a":1}', '{"a":1}\n', 'line\r\nline\r\n', '']) {
      const original = request(body);
      const text = renderEditableRequest(original);
      expect(parseEditedRequest(text, original)).toEqual({});
      expect(parseEditedRequest(text.replace(/\n$/, ''), original)).toEqual({});
    }
  });

  it('returns only the edited parts', () => {
    const original = request('{"a":1}');
    const text = renderEditableRequest(original).replace('X-A: 1', 'X-A: 2').replace('POST', 'PUT');
    expect(parseEditedRequest(text, original)).toEqual({
      method: 'PUT',
      headers: ['Content-Type', 'application/json', 'X-A', '2'],
    });
    const body = parseEditedRequest(renderEditableRequest(original).replace('{"a":1}', '{"a":2}'), original);
    expect(body).toEqual({ body: Buffer.from('{"a":2}') });
  });

  it('shows a binary body as a placeholder and keeps its bytes unless the line is replaced', () => {
    const original = request(Buffer.from([0x1f, 0x8b, 0, 255]));
    const text = renderEditableRequest(original);
    expect(text).toContain('[binary body: 4 bytes; sent unchanged unless you replace this line]');
    expect(parseEditedRequest(text.replace('X-A: 1', 'X-A: 9'), original)).toEqual({
      headers: ['Content-Type', 'application/json', 'X-A', '9'],
    });
    expect(parseEditedRequest(text.replace(/\[binary body.*\]/, 'plain'), original)).toEqual({
      body: Buffer.from('plain'),
    });
  });

  it('rejects a broken request line or header with E_BAD_EDIT, naming the line', () => {
    const original = request('x');
    const refused = (text: string, message: string) =>
      expect(() => parseEditedRequest(text, original)).toThrow(
        expect.objectContaining({ code: 'E_BAD_EDIT', message: `${message}; nothing was replayed` }),
      );
    refused('nonsense\n\nx\n', 'line 1: the first line must be "METHOD /path", not "nonsense"');
    refused('GE(T /x\n\nx\n', `line 1: "GE(T" is not an HTTP method (letters, digits and !#$%&'*+-.^_\`|~ only)`);
    refused('POST hooks\n\nx\n', 'line 1: the path must start with "/", not "hooks"');
    refused('POST /caf€\n\nx\n', 'line 1: the path holds U+20AC, which must be percent-encoded');
    refused(
      'POST /x\nX-A: 1\nno colon here\n\nx\n',
      'line 3: not a header line: "no colon here" (expected "Name: value")',
    );
    refused('POST /x\nBad Name: 1\n\nx\n', 'line 2: not a header line: "Bad Name: 1" (expected "Name: value")');
    refused('POST /x\nX-A: 1\nX-B: 5 €\n\nx\n', 'line 3: the value of X-B holds U+20AC, which a header cannot carry');
  });
});
