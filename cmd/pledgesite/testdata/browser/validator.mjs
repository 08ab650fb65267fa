// Runs the submission form's own JSON Schema validator (exported by
// themes/default/assets/js/submit.js) and ajv, the reference validator, over
// the same documents, so a test can require them to agree.
//
// Reads {"schema": ..., "docs": {"name": doc, ...}} on stdin and prints
// {"unsupported": [...], "results": {"name": {"form": [...], "ajv": [...],
// "messages": [...], "yaml": "..."}}}: error lists (empty means valid), the
// form's plain-language messages, and the document as the form writes it in
// YAML (so a test can read it back). "unsupported" lists the schema keywords
// the form's validator does not implement.
//
// Usage: node validator.mjs < input.json
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const form = require(path.resolve(here, '../../../../themes/default/assets/js/submit.js'));
const Ajv2020 = require('ajv/dist/2020').default;
const addFormats = require('ajv-formats').default;

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { schema, docs } = JSON.parse(input);

const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, unicodeRegExp: true });
addFormats(ajv);
const ajvValidate = ajv.compile(schema);

const results = {};
for (const [name, doc] of Object.entries(docs)) {
  const errs = form.validate(schema, doc);
  results[name] = {
    form: errs.map(e => `${e.pointer || '/'} ${e.keyword} ${JSON.stringify(e.params)}`),
    messages: errs.filter(e => e.keyword !== 'anyOf').map(e => `${form.target(e) || '/'}: ${form.message(e)}`),
    ajv: ajvValidate(doc) ? [] : ajvValidate.errors.map(e => `${e.instancePath || '/'} ${e.message}`),
    yaml: doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? form.toYAML(doc) : '',
  };
}
process.stdout.write(JSON.stringify({ unsupported: form.unsupportedKeywords(schema), results }) + '\n');
