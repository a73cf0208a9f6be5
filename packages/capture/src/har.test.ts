import { createRequire } from 'node:module';
import { Ajv, type AnySchema, type AnySchemaObject } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { toHar } from './har.js';
import { makeDraft } from './test-support/make-draft.js';
import type { CaptureRecord } from './types.js';

const require = createRequire(import.meta.url);
const harSchemas = require('har-schema') as Record<string, AnySchema>;
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json') as AnySchemaObject;

/** The HAR 1.2 JSON schema (har-schema, draft-06) compiled with ajv. */
function harValidator() {
  // strict: false because har-schema uses non-standard keywords ("optional", "min").
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addMetaSchema(draft06);
  for (const schema of Object.values(harSchemas)) ajv.addSchema(schema);
  return ajv.getSchema('har.json#')!;
}

const records: CaptureRecord[] = [
  {
    id: '1',
    ...makeDraft({
      path: '/json?a=1&b=two',
      body: '{"x":1}',
      responseHeaders: ['Content-Type', 'text/plain', 'Location', '/next'],
    }),
  },
  {
    id: '2',
    ...makeDraft({
      headers: ['Content-Type', 'application/octet-stream'],
      body: Buffer.from([0, 1, 2, 200]),
      responseBody: Buffer.from([9, 0, 9]),
    }),
  },
  { id: '3', ...makeDraft({ method: 'GET', headers: [], body: '', status: null }) },
];

describe('toHar', () => {
  it('is valid HAR 1.2', () => {
    const validate = harValidator();
    const har = toHar(records, { name: 'hookline', version: '0.1.0' });
    expect(validate(har), JSON.stringify(validate.errors)).toBe(true);
  });

  it('keeps text as text and binary as base64', () => {
    const [text, binary] = toHar(records, { name: 'hookline', version: '0' }).log.entries;
    expect(text?.request.postData).toEqual({ mimeType: 'application/json', text: '{"x":1}' });
    expect(text?.request.queryString).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: 'two' },
    ]);
    expect(text?.request.url).toBe('http://demo.localhost:4747/json?a=1&b=two');
    expect(text?.response.redirectURL).toBe('/next');
    expect(binary?.request.postData).toEqual({
      mimeType: 'application/octet-stream',
      text: 'AAECyA==',
      _encoding: 'base64',
    });
    expect(Buffer.from(binary?.request.postData?.text ?? '', 'base64')).toEqual(Buffer.from([0, 1, 2, 200]));
    expect(binary?.response.content).toMatchObject({
      encoding: 'base64',
      text: Buffer.from([9, 0, 9]).toString('base64'),
      size: 3,
    });
  });

  it('keeps the public path of a path-routed tunnel (/t/<name>/…), query included', () => {
    const routed = { id: '4', ...makeDraft({ path: '/webhooks/stripe?x=1' }) };
    routed.request = { ...routed.request, host: '127.0.0.1:4747', publicPath: '/t/demo/webhooks/stripe?x=1' };
    const [entry] = toHar([routed], { name: 'hookline', version: '0' }).log.entries;
    expect(entry?.request.url).toBe('http://127.0.0.1:4747/t/demo/webhooks/stripe?x=1');
    expect(entry?.request.queryString).toEqual([{ name: 'x', value: '1' }]);
  });

  it('describes a failed exchange with status 0 and its error code', () => {
    const failed = toHar(records, { name: 'hookline', version: '0' }).log.entries[2];
    expect(failed?.response).toMatchObject({ status: 0, _error: { code: 'E_LOCAL_REFUSED' } });
    expect(failed?.request.postData).toBeUndefined();
  });
});
