/** The HAR 1.2 JSON schema (har-schema, draft-06) compiled with ajv, for export tests. */
import { createRequire } from 'node:module';
import { Ajv, type AnySchema, type AnySchemaObject } from 'ajv';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);

export function harValidator() {
  const schemas = require('har-schema') as Record<string, AnySchema>;
  // strict: false because har-schema uses non-standard keywords ("optional", "min").
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as AnySchemaObject);
  for (const schema of Object.values(schemas)) ajv.addSchema(schema);
  const validate = ajv.getSchema('har.json#');
  if (!validate) throw new Error('har-schema has no har.json');
  return validate;
}
