// Validates documents against a JSON Schema with ajv, the reference
// validator. Reads {"schema": ..., "docs": {"name": doc, ...}} on stdin and
// prints {"name": ["error", ...], ...}; an empty list means valid.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { schema, docs } = JSON.parse(input);

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, unicodeRegExp: true });
addFormats(ajv);
const validate = ajv.compile(schema);
const out = {};
for (const [name, doc] of Object.entries(docs)) {
  out[name] = validate(doc) ? [] : validate.errors.map(e => `${e.instancePath || '/'} ${e.message}`);
}
process.stdout.write(JSON.stringify(out) + '\n');
