/*
 * submit.js: the "Submit a pledge" form.
 *
 * Works in the browser alone, with no dependencies and no build step:
 *  - fetches the published JSON Schema of the record format (the form's
 *    data-schema-url) and checks the form against it as the user types, with
 *    a small JSON Schema 2020-12 validator for exactly the keywords that
 *    schema uses;
 *  - turns the form into a record and writes it as YAML, in the field order
 *    and style of the example records;
 *  - offers the YAML to copy, or to open as a new file in the repository's
 *    web editor (data-repo-url, data-repo-branch).
 *
 * It is loaded as a classic, deferred script under a Content-Security-Policy
 * that allows no inline script or style and no eval: it never builds code
 * from strings and never sets style attributes (the hidden attribute and
 * classes do the showing and hiding).
 *
 * The validator and the YAML writer are pure functions, exported for Node
 * tests at the end of the file (harmless in the browser).
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------------
  // JSON Schema 2020-12 validator
  // ---------------------------------------------------------------------

  // The keywords the validator understands. Annotations are accepted and
  // ignored; anything else is reported by unsupportedKeywords, so that a
  // change to the schema cannot be silently ignored (a Node test checks it).
  var ANNOTATIONS = ['$schema', '$id', '$defs', '$comment', 'title', 'description', 'default', 'examples'];
  var ASSERTIONS = ['type', 'enum', 'const', 'pattern', 'minLength', 'maxLength', 'format',
    'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
    'items', 'minItems', 'maxItems', 'uniqueItems', 'contains',
    'required', 'properties', 'additionalProperties',
    '$ref', 'allOf', 'anyOf', 'not', 'if', 'then', 'else'];
  var FORMATS = ['date'];

  // unsupportedKeywords lists, as JSON pointers into the schema, every
  // keyword, format or $ref this validator cannot evaluate.
  function unsupportedKeywords(schema) {
    var out = [];
    function walk(s, at) {
      if (typeof s === 'boolean') return;
      if (!isObject(s)) { out.push(at + ' (not a schema)'); return; }
      Object.keys(s).forEach(function (k) {
        var here = at + '/' + escapePointer(k);
        if (ANNOTATIONS.indexOf(k) < 0 && ASSERTIONS.indexOf(k) < 0) out.push(here);
        if (k === 'format' && FORMATS.indexOf(s[k]) < 0) out.push(here + ' (' + s[k] + ')');
        if (k === '$ref' && !/^#\/\$defs\/[^/]+$/.test(s[k])) out.push(here + ' (' + s[k] + ')');
        if (k === 'items' && Array.isArray(s[k])) out.push(here + ' (array form)');
      });
      if (isObject(s.$defs)) Object.keys(s.$defs).forEach(function (k) { walk(s.$defs[k], at + '/$defs/' + escapePointer(k)); });
      if (isObject(s.properties)) Object.keys(s.properties).forEach(function (k) { walk(s.properties[k], at + '/properties/' + escapePointer(k)); });
      ['items', 'contains', 'additionalProperties', 'not', 'if', 'then', 'else'].forEach(function (k) {
        if (k in s && !Array.isArray(s[k])) walk(s[k], at + '/' + k);
      });
      ['allOf', 'anyOf'].forEach(function (k) {
        if (Array.isArray(s[k])) s[k].forEach(function (sub, i) { walk(sub, at + '/' + k + '/' + i); });
      });
    }
    walk(schema, '');
    return out;
  }

  function isObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }
  function has(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }

  function jsonType(v) {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'array';
    if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
    return typeof v; // string, boolean, object
  }

  function hasType(v, t) {
    var jt = jsonType(v);
    return jt === t || (t === 'number' && jt === 'integer');
  }

  // equal is JSON equality: numbers by value, objects regardless of key order.
  function equal(a, b) {
    if (a === b) return true;
    if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    if (Array.isArray(a)) {
      if (a.length !== b.length) return false;
      for (var i = 0; i < a.length; i++) if (!equal(a[i], b[i])) return false;
      return true;
    }
    var ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (var j = 0; j < ka.length; j++) if (!has(b, ka[j]) || !equal(a[ka[j]], b[ka[j]])) return false;
    return true;
  }

  // codePoints counts characters as JSON Schema does: a surrogate pair is one.
  function codePoints(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
      n++;
    }
    return n;
  }

  // isDate checks format "date": YYYY-MM-DD naming a day of the calendar.
  function isDate(s) {
    var m = /^(\d\d\d\d)-(\d\d)-(\d\d)$/.exec(s);
    if (!m) return false;
    var y = +m[1], mo = +m[2], d = +m[3];
    var leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    var days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    return mo >= 1 && mo <= 12 && d >= 1 && d <= days[mo - 1];
  }

  var regexCache = {};
  function regex(p) {
    if (!has(regexCache, p)) regexCache[p] = new RegExp(p, 'u');
    return regexCache[p];
  }

  function escapePointer(s) { return String(s).replace(/~/g, '~0').replace(/\//g, '~1'); }
  function pointer(path) { return path.map(function (p) { return '/' + escapePointer(p); }).join(''); }

  function resolveRef(root, ref) {
    var m = /^#\/\$defs\/([^/]+)$/.exec(ref);
    var name = m && m[1].replace(/~1/g, '/').replace(/~0/g, '~');
    if (!m || !isObject(root.$defs) || !has(root.$defs, name)) throw new Error('cannot resolve $ref ' + ref);
    return root.$defs[name];
  }

  // validate returns the errors of data against schema, all of them, each as
  // {pointer, path, keyword, params, value}: pointer and path locate the
  // value in data (for "required" and "additionalProperties", the object
  // that lacks or has the property, named in params).
  function validate(schema, data) {
    var errors = [];
    check(schema, data, [], schema, errors);
    return errors;
  }

  function check(s, v, path, root, errors) {
    var before = errors.length;
    function fail(keyword, params) {
      errors.push({ pointer: pointer(path), path: path.slice(), keyword: keyword, params: params || {}, value: v });
    }
    if (s === true) return true;
    if (s === false) { fail('false'); return false; }

    if (has(s, '$ref')) check(resolveRef(root, s.$ref), v, path, root, errors);

    if (has(s, 'type')) {
      var types = Array.isArray(s.type) ? s.type : [s.type];
      if (!types.some(function (t) { return hasType(v, t); })) fail('type', { type: s.type });
    }
    if (has(s, 'enum') && !s.enum.some(function (e) { return equal(e, v); })) fail('enum', { allowedValues: s.enum });
    if (has(s, 'const') && !equal(s.const, v)) fail('const', { allowedValue: s.const });

    if (typeof v === 'string') {
      var n = null;
      if (has(s, 'minLength') && (n = codePoints(v)) < s.minLength) fail('minLength', { limit: s.minLength, count: n });
      if (has(s, 'maxLength') && (n = codePoints(v)) > s.maxLength) fail('maxLength', { limit: s.maxLength, count: n });
      if (has(s, 'pattern') && !regex(s.pattern).test(v)) fail('pattern', { pattern: s.pattern });
      if (has(s, 'format') && s.format === 'date' && !isDate(v)) fail('format', { format: 'date' });
    }

    if (typeof v === 'number') {
      if (has(s, 'minimum') && v < s.minimum) fail('minimum', { limit: s.minimum, minimum: s.minimum, maximum: s.maximum });
      if (has(s, 'maximum') && v > s.maximum) fail('maximum', { limit: s.maximum, minimum: s.minimum, maximum: s.maximum });
      if (has(s, 'exclusiveMinimum') && v <= s.exclusiveMinimum) fail('exclusiveMinimum', { limit: s.exclusiveMinimum });
      if (has(s, 'exclusiveMaximum') && v >= s.exclusiveMaximum) fail('exclusiveMaximum', { limit: s.exclusiveMaximum });
    }

    if (Array.isArray(v)) {
      if (has(s, 'minItems') && v.length < s.minItems) fail('minItems', { limit: s.minItems });
      if (has(s, 'maxItems') && v.length > s.maxItems) fail('maxItems', { limit: s.maxItems });
      if (s.uniqueItems === true) {
        var dups = [];
        for (var i = 1; i < v.length; i++) {
          for (var j = 0; j < i; j++) {
            if (equal(v[i], v[j])) {
              if (!dups.some(function (d) { return equal(d, v[i]); })) {
                dups.push(v[i]);
                fail('uniqueItems', { i: j, j: i, duplicate: v[i] });
              }
              break;
            }
          }
        }
      }
      if (has(s, 'items')) {
        v.forEach(function (item, k) { check(s.items, item, path.concat(k), root, errors); });
      }
      if (has(s, 'contains')) {
        var found = v.some(function (item, k) { return check(s.contains, item, path.concat(k), root, []); });
        if (!found) fail('contains', {});
      }
    }

    if (isObject(v)) {
      if (Array.isArray(s.required)) {
        s.required.forEach(function (k) { if (!has(v, k)) fail('required', { missingProperty: k }); });
      }
      var props = isObject(s.properties) ? s.properties : {};
      Object.keys(props).forEach(function (k) {
        if (has(v, k)) check(props[k], v[k], path.concat(k), root, errors);
      });
      if (has(s, 'additionalProperties')) {
        Object.keys(v).forEach(function (k) {
          if (has(props, k)) return;
          if (s.additionalProperties === false) fail('additionalProperties', { additionalProperty: k });
          else check(s.additionalProperties, v[k], path.concat(k), root, errors);
        });
      }
    }

    if (Array.isArray(s.allOf)) s.allOf.forEach(function (sub) { check(sub, v, path, root, errors); });
    if (Array.isArray(s.anyOf)) {
      var sink = [];
      if (!s.anyOf.some(function (sub) { return check(sub, v, path, root, sink); })) {
        Array.prototype.push.apply(errors, sink);
        fail('anyOf', {});
      }
    }
    if (has(s, 'not') && check(s.not, v, path, root, [])) fail('not', { not: s.not });
    if (has(s, 'if')) {
      if (check(s['if'], v, path, root, [])) {
        if (has(s, 'then')) check(s.then, v, path, root, errors);
      } else if (has(s, 'else')) {
        check(s['else'], v, path, root, errors);
      }
    }
    return errors.length === before;
  }

  // ---------------------------------------------------------------------
  // YAML writer
  // ---------------------------------------------------------------------

  // The order of fields in the example records.
  var FIELD_ORDER = ['id', 'kind', 'title', 'summary', 'description', 'key_outcome',
    'entity', 'leads', 'supporters', 'partners', 'pledge_type', 'matches', 'contributes_to', 'measures',
    'forum', 'date', 'status', 'support', 'financial',
    'countries', 'target_groups', 'gcr_objectives', 'sdg_targets', 'gcm_objectives', 'hlom_recommendations',
    'updates', 'links', 'contact'];
  // Lists whose items are always quoted: "16.2" would otherwise be a number.
  var ALWAYS_QUOTED = ['sdg_targets'];

  var SCHEMA_COMMENT = '# yaml-language-server: $schema=./schema.json';

  // Characters YAML cannot hold unescaped, and line breaks YAML 1.1 parsers
  // (libyaml, go-yaml) recognise besides \n and \r.
  var NEEDS_ESCAPE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/;
  var INDICATOR_START = /^[-?:,[\]{}#&*!|>'"%@`]/;
  var AMBIGUOUS = /^(?:y|yes|n|no|true|false|on|off|null|~|=|<<)$/i;

  // plainOK tells whether s can be written as a plain (unquoted) scalar and
  // be read back as the same string, by YAML 1.1 and 1.2 parsers alike. It
  // errs on the side of quoting.
  function plainOK(s, flow) {
    if (s === '' || /^\s|\s$/.test(s)) return false;
    if (INDICATOR_START.test(s)) return false;
    if (/^[0-9.+]/.test(s)) return false; // numbers, dates, times, .inf, .5
    if (AMBIGUOUS.test(s)) return false;
    if (/[\n\r\t]/.test(s) || NEEDS_ESCAPE.test(s)) return false;
    if (/:(\s|$)|\s#/.test(s)) return false;
    // In a flow list, "?" ends a plain scalar for some parsers (yaml.v3
    // reads "[Kenya?]" as an error), so it is quoted with the indicators.
    if (flow && /[,[\]{}:#?]/.test(s)) return false;
    return true;
  }

  // quote writes a double-quoted scalar. JSON's escapes are YAML's, plus
  // the characters JSON leaves as they are but YAML cannot.
  function quote(s) {
    s = s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(^|[^\ud800-\udbff])[\udc00-\udfff]/g, function (m, pre) {
      return (pre || '') + '\ufffd';
    });
    return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, function (c) {
      return '\\u' + ('000' + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  function scalar(v, flow, forceQuote) {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return isFinite(v) ? String(v) : (v > 0 ? '.inf' : v < 0 ? '-.inf' : '.nan');
    var s = String(v);
    return !forceQuote && plainOK(s, flow) ? s : quote(s);
  }

  // blockOK tells whether a multi-line string can be written as a literal
  // block (|) that reads back exactly.
  function blockOK(s) {
    if (NEEDS_ESCAPE.test(s) || /\r/.test(s)) return false;
    var lines = s.split('\n');
    var first = lines.filter(function (l) { return l !== ''; })[0];
    if (first === undefined || /^[ \t]/.test(first)) return false;
    return !lines.some(function (l) { return l !== '' && /^[ \t]+$/.test(l); });
  }

  function blockScalar(s, indent) {
    var chomp, body;
    if (/\n\n$/.test(s)) { chomp = '+'; body = s.slice(0, -1); }
    else if (/\n$/.test(s)) { chomp = ''; body = s.slice(0, -1); }
    else { chomp = '-'; body = s; }
    var pad = spaces(indent);
    return ['|' + chomp].concat(body.split('\n').map(function (l) { return l === '' ? '' : pad + l; }));
  }

  function spaces(n) { return new Array(n + 1).join(' '); }

  function yamlKey(k) { return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) && !AMBIGUOUS.test(k) ? k : quote(k); }

  function isScalarValue(v) { return v === null || typeof v !== 'object'; }

  function emitPair(out, key, v, indent, forceQuote) {
    var pad = spaces(indent), k = yamlKey(key) + ':';
    if (Array.isArray(v)) {
      if (v.length === 0) { out.push(pad + k + ' []'); return; }
      if (v.every(isScalarValue)) {
        out.push(pad + k + ' [' + v.map(function (x) { return scalar(x, true, forceQuote); }).join(', ') + ']');
        return;
      }
      out.push(pad + k);
      v.forEach(function (item) { emitItem(out, item, indent + 2, forceQuote); });
      return;
    }
    if (isObject(v)) {
      var keys = Object.keys(v).filter(function (x) { return v[x] !== undefined; });
      if (keys.length === 0) { out.push(pad + k + ' {}'); return; }
      out.push(pad + k);
      keys.forEach(function (x) { emitPair(out, x, v[x], indent + 2, false); });
      return;
    }
    if (typeof v === 'string' && v.indexOf('\n') >= 0 && blockOK(v)) {
      var lines = blockScalar(v, indent + 2);
      out.push(pad + k + ' ' + lines[0]);
      Array.prototype.push.apply(out, lines.slice(1));
      return;
    }
    out.push(pad + k + ' ' + scalar(v, false, forceQuote));
  }

  // emitItem writes one item of a block sequence at indent.
  function emitItem(out, item, indent, forceQuote) {
    var pad = spaces(indent);
    if (isObject(item)) {
      var keys = Object.keys(item).filter(function (x) { return item[x] !== undefined; });
      if (keys.length === 0) { out.push(pad + '- {}'); return; }
      var sub = [];
      keys.forEach(function (x) { emitPair(sub, x, item[x], indent + 2, false); });
      sub[0] = pad + '- ' + sub[0].slice(indent + 2);
      Array.prototype.push.apply(out, sub);
      return;
    }
    if (Array.isArray(item)) {
      if (item.length === 0 || !item.every(isScalarValue)) { out.push(pad + '- ' + quoteJSON(item)); return; }
      out.push(pad + '- [' + item.map(function (x) { return scalar(x, true, forceQuote); }).join(', ') + ']');
      return;
    }
    if (typeof item === 'string' && item.indexOf('\n') >= 0 && blockOK(item)) {
      var lines = blockScalar(item, indent + 2);
      out.push(pad + '- ' + lines[0]);
      Array.prototype.push.apply(out, lines.slice(1));
      return;
    }
    out.push(pad + '- ' + scalar(item, false, forceQuote));
  }

  // quoteJSON writes nested lists as JSON, which is YAML's flow style.
  function quoteJSON(v) {
    return JSON.stringify(v).replace(/[\u007f-\u009f\u2028\u2029\ufeff]/g, function (c) {
      return '\\u' + ('000' + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  // toYAML writes a record as the text of its file.
  function toYAML(record) {
    var out = [SCHEMA_COMMENT];
    var keys = FIELD_ORDER.filter(function (k) { return has(record, k) && record[k] !== undefined; });
    Object.keys(record).forEach(function (k) {
      if (keys.indexOf(k) < 0 && record[k] !== undefined) keys.push(k);
    });
    keys.forEach(function (k) { emitPair(out, k, record[k], 0, ALWAYS_QUOTED.indexOf(k) >= 0); });
    return out.join('\n') + '\n';
  }

  // ---------------------------------------------------------------------
  // Plain-language messages
  // ---------------------------------------------------------------------

  // Each place a value can be is described by a normalised path (list
  // indexes replaced by *): what to call it, and messages for the keywords
  // whose generic message would not help.
  var DATE_EXAMPLE = 'Use a date like 2024-03-31';
  function dateMessage(e) {
    var v = String(e.value);
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    if (m && (+m[1] < 1990 || +m[1] > 2100)) return 'Use a year from 1990 to 2100';
    if (m) return v + ' is not a real date. ' + DATE_EXAMPLE;
    return DATE_EXAMPLE;
  }
  var ID_RULE = 'Use only lowercase letters, digits and single hyphens, such as ngo-safe-routes-2025';

  var FIELDS = {
    '': { name: 'the record' },
    '/id': { name: 'the record id', required: 'Enter a record id', pattern: ID_RULE },
    '/kind': { name: 'the kind of record' },
    '/title': { name: 'the title', required: 'Enter a title', pattern: 'Write the title on one line, without special characters' },
    '/summary': { name: 'the summary', required: 'Enter a summary of one or two sentences', pattern: 'Write the summary in plain text, without special characters' },
    '/description': { name: 'the description', pattern: 'Remove special characters from the description' },
    '/entity': { name: 'who makes the pledge', required: 'Enter who makes the pledge' },
    '/entity/name': { name: 'the organisation name', required: 'Enter the name of the organisation', pattern: 'Write the organisation name on one line' },
    '/entity/type': { name: 'the type of stakeholder', required: 'Choose the type of stakeholder', enum: 'Choose the type of stakeholder' },
    '/entity/country': { name: 'the country of the organisation', enum: 'Choose the country from the list' },
    '/partners': { name: 'the partners', required: 'Add at least one partner: a joint pledge needs one', minItems: 'Add at least one partner: a joint pledge needs one' },
    '/partners/*': { name: 'the partner' },
    '/partners/*/name': { name: 'the partner’s name', required: 'Enter the partner’s name', pattern: 'Write the partner’s name on one line' },
    '/partners/*/type': { name: 'the partner’s type', required: 'Choose the partner’s type', enum: 'Choose the partner’s type' },
    '/partners/*/country': { name: 'the partner’s country', enum: 'Choose the partner’s country from the list' },
    '/pledge_type': { name: 'the type of pledge', enum: 'Choose the type of pledge' },
    '/matches': {
      name: 'the matched pledges',
      required: 'Enter the id of at least one pledge that this pledge matches',
      minItems: 'Enter the id of at least one pledge that this pledge matches'
    },
    '/matches/*': {
      name: 'the matched pledges',
      pattern: function (e) { return '“' + e.value + '” is not a pledge id: ids use lowercase letters, digits and single hyphens'; },
      maxLength: function (e) { return '“' + e.value + '” is too long to be a pledge id'; }
    },
    '/contributes_to': { name: 'the multistakeholder pledges' },
    '/measures': { name: 'the measures' },
    '/measures/*': { name: 'the measures', enum: function (e) { return '“' + e.value + '” is not a measure of the guidance'; } },
    '/forum': { name: 'the forum', required: 'Choose the forum', enum: 'Choose the forum from the list' },
    '/date': { name: 'the date', required: 'Enter the date of the pledge, such as 2024-03-31', type: DATE_EXAMPLE, pattern: dateMessage, format: dateMessage },
    '/status': { name: 'the status', required: 'Choose the status of the pledge', enum: 'Choose the status of the pledge' },
    '/support': { name: 'the types of support', required: 'Choose at least one type of support', minItems: 'Choose at least one type of support' },
    '/financial': {
      name: 'the financial support',
      required: 'Enter the amount and currency of the financial support',
      not: 'Remove the amount and currency, or choose “Financial” among the types of support'
    },
    '/financial/amount': {
      name: 'the amount',
      required: 'Enter the amount, such as 250000',
      type: 'Enter the amount as a number without the currency, such as 250000',
      exclusiveMinimum: 'Enter an amount greater than 0',
      maximum: 'Enter an amount of at most 10,000,000,000,000'
    },
    '/financial/currency': { name: 'the currency', required: 'Choose the currency', enum: 'Choose the currency from the list' },
    '/countries': { name: 'the countries' },
    '/countries/*': {
      name: 'the countries',
      enum: function (e) { return '“' + e.value + '” is not a country we know: use three-letter codes such as KEN, or country names, separated by commas'; }
    },
    '/target_groups': { name: 'the groups the pledge is for' },
    '/gcr_objectives': { name: 'the objectives of the Global Compact on Refugees' },
    '/sdg_targets': { name: 'the SDG targets' },
    '/sdg_targets/*': {
      name: 'the SDG targets',
      enum: function (e) { return '“' + e.value + '” is not an SDG target: write the goal and one of its targets, such as 16.2'; },
      type: 'Write SDG targets as goal and target, such as 16.2'
    },
    '/gcm_objectives': { name: 'the objectives of the Global Compact for Migration' },
    '/hlom_recommendations': { name: 'the HLOM recommendations' },
    '/links': { name: 'the links' },
    '/links/*': { name: 'the link' },
    '/links/*/title': { name: 'the link title', required: 'Enter a title for the link', pattern: 'Write the link title on one line' },
    '/links/*/url': {
      name: 'the web address',
      required: 'Enter the web address of the link',
      pattern: 'Enter a full web address starting with https://, without spaces'
    },
    '/updates': { name: 'the progress reports' },
    '/updates/*': { name: 'the progress report' },
    '/updates/*/date': { name: 'the date of the progress report', required: 'Enter the date of the progress report', pattern: dateMessage, format: dateMessage },
    '/updates/*/status': { name: 'the status of the progress report', required: 'Choose the status of the progress report', enum: 'Choose the status of the progress report' },
    '/updates/*/text': { name: 'the text of the progress report', required: 'Enter the text of the progress report' },
    '/key_outcome': { name: 'the key outcome' },
    '/leads': { name: 'the leads' },
    '/leads/*/name': { name: 'the lead’s name' },
    '/leads/*/type': { name: 'the lead’s type' },
    '/supporters': { name: 'the supporters' },
    '/supporters/*/name': { name: 'the supporter’s name' },
    '/supporters/*/type': { name: 'the supporter’s type' },
    '/contact': { name: 'the contact' },
    '/contact/name': { name: 'the contact name', required: 'Enter the contact name, or remove the contact email', pattern: 'Write the contact name on one line' },
    '/contact/email': {
      name: 'the contact email',
      required: 'Enter the contact email address, or remove the contact name',
      pattern: 'Enter an email address such as name@example.org'
    }
  };

  // forbidden lists the properties a failed "not" forbids and the value
  // has, when the "not" is made of "required" (directly or in an anyOf).
  function forbidden(e) {
    var n = e.params.not;
    if (!isObject(n) || !isObject(e.value)) return [];
    var lists = Array.isArray(n.anyOf) ? n.anyOf : [n];
    var out = [];
    lists.forEach(function (sub) {
      if (isObject(sub) && Array.isArray(sub.required)) {
        sub.required.forEach(function (k) { if (has(e.value, k) && out.indexOf(k) < 0) out.push(k); });
      }
    });
    return out;
  }

  // target returns the pointer an error is about: for a missing, extra or
  // forbidden property, the property itself.
  function target(e) {
    if (e.keyword === 'required') return e.pointer + '/' + escapePointer(e.params.missingProperty);
    if (e.keyword === 'additionalProperties') return e.pointer + '/' + escapePointer(e.params.additionalProperty);
    if (e.keyword === 'not') {
      var f = forbidden(e);
      if (f.length) return e.pointer + '/' + escapePointer(f[0]);
    }
    return e.pointer;
  }

  function normalise(ptr) { return ptr.replace(/\/\d+(?=\/|$)/g, '/*'); }

  function fieldInfo(key) {
    while (!has(FIELDS, key)) {
      var cut = key.lastIndexOf('/');
      if (cut < 0) return FIELDS[''];
      key = key.slice(0, cut);
    }
    return FIELDS[key];
  }

  function plural(n, one, many) { return n === 1 ? '1 ' + one : n + ' ' + many; }

  function show(v) {
    if (typeof v === 'string') return '“' + v + '”';
    return JSON.stringify(v);
  }

  // message returns a plain-language message for one schema error.
  function message(e) {
    var key = normalise(target(e));
    var f = has(FIELDS, key) ? FIELDS[key] : null;
    var name = (f || fieldInfo(key)).name;
    var p = e.params;
    // Blank text fails the patterns that ask for something besides spaces.
    if (e.keyword === 'pattern' && typeof e.value === 'string' && e.value.trim() === '') {
      return (f && typeof f.required === 'string') ? f.required : 'Enter ' + name;
    }
    var own = f && f[e.keyword];
    if (typeof own === 'function') return own(e);
    if (own) return own;
    switch (e.keyword) {
      case 'required':
      case 'minLength':
        return 'Enter ' + name;
      case 'maxLength':
        return 'Shorten ' + name + ' to ' + p.limit + ' characters or fewer: it has ' + p.count;
      case 'minItems':
        return 'Choose at least ' + p.limit + ' for ' + name;
      case 'maxItems':
        return 'Choose at most ' + p.limit + ' for ' + name;
      case 'uniqueItems':
        if (p.duplicate && typeof p.duplicate === 'object' && p.duplicate.name) {
          return '“' + p.duplicate.name + '” is listed twice in ' + name;
        }
        return show(p.duplicate) + ' is listed twice in ' + name;
      case 'enum':
      case 'const':
        return show(e.value) + ' is not one of the choices for ' + name;
      case 'minimum':
      case 'maximum':
        if (typeof p.minimum === 'number' && typeof p.maximum === 'number') {
          return 'Use numbers from ' + p.minimum + ' to ' + p.maximum + ' for ' + name + ', not ' + e.value;
        }
        return 'Check ' + name + ': ' + show(e.value) + ' is out of range';
      case 'exclusiveMinimum':
        return 'Enter a number greater than ' + p.limit + ' for ' + name;
      case 'type':
        switch (Array.isArray(p.type) ? p.type[0] : p.type) {
          case 'integer': return 'Use whole numbers for ' + name;
          case 'number': return 'Enter ' + name + ' as a number';
          case 'string': return 'Enter ' + name + ' as text';
          case 'array': return 'Give ' + name + ' as a list';
          default: return 'Check ' + name + ': it has the wrong form';
        }
      case 'pattern':
        return 'Check ' + name + ': ' + show(e.value) + ' is not in the expected form';
      case 'format':
        return show(e.value) + ' is not a real date. ' + DATE_EXAMPLE;
      case 'additionalProperties':
        return 'Remove ' + show(p.additionalProperty) + ': it is not a field of a pledge record';
      case 'not':
        var extra = forbidden(e);
        if (extra.length) {
          return 'Remove ' + extra.map(function (k) { return '“' + k + '”'; }).join(', ') + ': ' +
            (extra.length === 1 ? 'it is' : 'they are') + ' not used in this kind of record';
        }
        return 'Check ' + name;
      default:
        return 'Check ' + name;
    }
  }

  // ---------------------------------------------------------------------
  // Small helpers for the form
  // ---------------------------------------------------------------------

  // slugify suggests a record id from a title.
  function slugify(s, max) {
    max = max || 64;
    var t = String(s).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
      .replace(/['’]/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '');
    if (t.length > max) {
      t = t.slice(0, max);
      var cut = t.lastIndexOf('-');
      if (cut > max / 2) t = t.slice(0, cut);
      t = t.replace(/-+$/, '');
    }
    return t;
  }

  // splitList splits comma- or semicolon-separated text into trimmed items;
  // with words set, white space separates items too.
  function splitList(s, words) {
    return String(s).split(words ? /[\s,;]+/ : /[,;]/).map(function (x) { return x.trim(); }).filter(function (x) { return x !== ''; });
  }

  function fold(s) { return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim(); }

  // parseCountries reads country codes or names; unknown items are kept as
  // typed so that the message can quote them.
  function parseCountries(text, countries) {
    var byCode = {}, byName = {};
    countries.forEach(function (c) { byCode[c.code] = c; byName[fold(c.name)] = c; });
    var out = [];
    splitList(text).forEach(function (item) {
      var up = item.toUpperCase();
      if (has(byCode, up)) { out.push(up); return; }
      if (has(byName, fold(item))) { out.push(byName[fold(item)].code); return; }
      var words = item.split(/\s+/);
      if (words.length > 1 && words.every(function (w) { return has(byCode, w.toUpperCase()); })) {
        words.forEach(function (w) { out.push(w.toUpperCase()); });
        return;
      }
      out.push(item);
    });
    return out;
  }

  // parseAmount reads a positive amount; "1,800,000" and "1 800 000" are
  // accepted. Anything else is returned as typed, for the schema to reject.
  function parseAmount(text) {
    var s = String(text).trim();
    var plain = s.replace(/^(\d{1,3})((?:[ ,\u00a0\u202f]\d{3})+)(\.\d+)?$/, function (m, a, b, c) {
      return a + b.replace(/[ ,\u00a0\u202f]/g, '') + (c || '');
    });
    // Plain numbers, and the forms YAML reads as numbers too (1e6, .5).
    if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(plain)) return Number(plain);
    return s;
  }

  // ---------------------------------------------------------------------
  // The form
  // ---------------------------------------------------------------------

  var DEBOUNCE_MS = 300;
  var MAX_URL = 8000; // longer links are refused by some browsers and servers

  // Groups of checkboxes or radio buttons, by record path: the fieldset is
  // BASE-group and its error slot BASE-error.
  var GROUPS = {
    '/pledge_type': 'pledge-type',
    '/status': 'status',
    '/support': 'support',
    '/target_groups': 'target-groups',
    '/contributes_to': 'contributes-to',
    '/measures': 'measures',
    '/gcr_objectives': 'gcr',
    '/gcm_objectives': 'gcm',
    '/hlom_recommendations': 'hlom',
    '/partners': 'partners',
    '/links': 'links'
  };
  // Where errors about a whole object are shown.
  var ALIASES = { '/financial': '/financial/amount', '/entity': '/entity/name', '/contact': '/contact/name' };

  function init(form) {
    var doc = form.ownerDocument;
    var $ = function (id) { return doc.getElementById(id); };
    var schema = null, schemaState = 'loading';
    var touched = {};
    var showAll = false;
    var idEdited = false;
    var lastValid = null;
    var timer = 0;
    var rowCount = 0;

    var repoURL = (form.getAttribute('data-repo-url') || '').replace(/\/+$/, '');
    var branch = form.getAttribute('data-repo-branch') || 'main';
    // The catalogue's ids, from data/ids.json once it has loaded: every
    // record's (taken) and the pledges a matching pledge may name.
    var takenIDs = null, pledgeIDs = null;
    var countryList = Array.prototype.map.call(($('country-codes') || { options: [] }).options, function (o) {
      return { code: o.value, name: o.textContent.trim() };
    });

    var output = $('record-output'), code = $('record-yaml'), fileName = $('record-filename');
    var stateText = $('record-state'), status = $('record-status');
    var openLink = $('open-record'), openOff = $('open-record-disabled');
    var openHelp = $('open-record-help'), copyButton = $('copy-record');
    var summaryRegion = $('error-summary');

    // --- slots: where each path's error is shown ---------------------

    var staticSlots = {};
    Array.prototype.forEach.call(form.querySelectorAll('.field[data-field]'), function (field) {
      var control = field.querySelector('input, select, textarea');
      staticSlots[field.getAttribute('data-field')] = {
        container: field, error: field.querySelector('.field-error'), focus: control, controls: [control], invalidable: true
      };
    });
    Object.keys(GROUPS).forEach(function (path) {
      var group = $(GROUPS[path] + '-group');
      if (!group) return;
      staticSlots[path] = {
        container: group,
        error: $(GROUPS[path] + '-error'),
        get focus() { return group.querySelector('input:not([type=hidden]), select, textarea, button'); },
        get controls() { return Array.prototype.slice.call(group.querySelectorAll('input, select, textarea')); },
        invalidable: false
      };
    });
    var rowSlots = {}; // by path, rebuilt by collect()

    function slotFor(ptr) {
      var p = ptr;
      for (;;) {
        if (has(ALIASES, p)) p = ALIASES[p];
        if (has(rowSlots, p)) return rowSlots[p];
        if (has(staticSlots, p)) return staticSlots[p];
        var cut = p.lastIndexOf('/');
        if (cut <= 0) return null;
        p = p.slice(0, cut);
      }
    }

    // --- reading the form ---------------------------------------------

    function value(id) { var el = $(id); return el ? el.value.trim() : ''; }
    function checked(name) {
      return Array.prototype.map.call(form.querySelectorAll('input[name="f-' + name + '"]:checked'), function (el) { return el.value; });
    }
    function radio(name) { var c = checked(name); return c.length ? c[0] : ''; }
    function numbers(name) { return checked(name).map(function (v) { return parseInt(v, 10); }); }
    function text(id) {
      // Multi-line text keeps its inner layout; trailing blanks go, with
      // no newline added (written as a |- block), so that the text counts
      // the characters typed, as the limits do.
      var v = ($(id) || { value: '' }).value.replace(/\r\n?/g, '\n').replace(/\s+$/, '').replace(/^(\s*\n)+/, '');
      if (v.trim() === '') return '';
      return v.indexOf('\n') >= 0 ? v : v.trim();
    }

    function rowsOf(listID) { return Array.prototype.slice.call($(listID).children); }
    function rowInput(row, key) { return row.querySelector('[data-input="' + key + '"]'); }

    // collect turns the form into a record, leaving out empty optional
    // fields, and maps the paths of repeatable rows to their inputs.
    function collect() {
      var r = {};
      rowSlots = {};
      var put = function (k, v) { if (v !== '' && !(Array.isArray(v) && v.length === 0)) r[k] = v; };
      put('id', value('f-id'));
      r.kind = 'pledge';
      put('title', value('f-title'));
      put('summary', text('f-summary'));
      put('description', text('f-description'));
      var entity = {};
      if (value('f-entity-name')) entity.name = value('f-entity-name');
      if (value('f-entity-type')) entity.type = value('f-entity-type');
      if (value('f-entity-country')) entity.country = value('f-entity-country');
      r.entity = entity;
      var type = radio('pledge_type') || 'individual';
      if (type === 'joint') {
        var partners = [];
        rowsOf('partner-rows').forEach(function (row) {
          var e = {};
          ['name', 'type', 'country'].forEach(function (k) { var v = rowInput(row, k).value.trim(); if (v) e[k] = v; });
          if (!Object.keys(e).length) return;
          var base = '/partners/' + partners.length;
          ['name', 'type', 'country'].forEach(function (k) { rowSlots[base + '/' + k] = rowSlot(row, k); });
          rowSlots[base] = rowSlots[base + '/name'];
          partners.push(e);
        });
        put('partners', partners);
      }
      if (type !== 'individual') r.pledge_type = type;
      if (type === 'matching') put('matches', splitList(value('f-matches'), true));
      put('contributes_to', checked('contributes_to'));
      put('measures', checked('measures'));
      put('forum', value('f-forum'));
      put('date', value('f-date'));
      put('status', radio('status'));
      var support = checked('support');
      put('support', support);
      if (support.indexOf('financial') >= 0) {
        var fin = {};
        if (value('f-amount')) fin.amount = parseAmount(value('f-amount'));
        if (value('f-currency')) fin.currency = value('f-currency');
        if (Object.keys(fin).length) r.financial = fin;
      }
      put('countries', parseCountries(value('f-countries'), countryList));
      put('target_groups', checked('target_groups'));
      put('gcr_objectives', numbers('gcr_objectives'));
      put('sdg_targets', splitList(value('f-sdg'), true));
      put('gcm_objectives', numbers('gcm_objectives'));
      put('hlom_recommendations', numbers('hlom_recommendations'));
      var links = [];
      rowsOf('link-rows').forEach(function (row) {
        var l = {};
        ['title', 'url'].forEach(function (k) { var v = rowInput(row, k).value.trim(); if (v) l[k] = v; });
        if (!Object.keys(l).length) return;
        var base = '/links/' + links.length;
        ['title', 'url'].forEach(function (k) { rowSlots[base + '/' + k] = rowSlot(row, k); });
        rowSlots[base] = rowSlots[base + '/title'];
        links.push(l);
      });
      put('links', links);
      var contact = {};
      if (value('f-contact-name')) contact.name = value('f-contact-name');
      if (value('f-contact-email')) contact.email = value('f-contact-email');
      if (Object.keys(contact).length) r.contact = contact;
      return r;
    }

    function rowSlot(row, key) {
      var input = rowInput(row, key);
      return { container: input.closest('.field'), error: row.querySelector('[data-error="' + key + '"]'), focus: input, controls: [input], invalidable: true };
    }

    // recordErrors is a rule of pledgesite check the schema cannot state:
    // dates not in the future (a day ahead is allowed, for time zones).
    // The record the form makes has no updates, and partners only for a
    // joint pledge, so check's rules on those cannot fail here.
    function recordErrors(r) {
      var out = [];
      var limit = new Date(Date.now() + 86400000).toISOString().slice(0, 10);
      if (typeof r.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(r.date) && r.date > limit) {
        out.push({ pointer: '/date', message: 'The date ' + r.date + ' is in the future: give the date the pledge was made' });
      }
      return out;
    }

    // Rules of the catalogue the schema cannot express: ids are unique, and
    // a matching pledge matches a pledge that exists.
    function catalogueErrors(r) {
      var out = [];
      if (!takenIDs) return out;
      if (r.id && has(takenIDs, r.id)) {
        out.push({ pointer: '/id', message: 'A record with the id ' + r.id + ' already exists: choose another id' });
      }
      (r.matches || []).forEach(function (id, i) {
        if (/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id) && !has(pledgeIDs, id)) {
          out.push({ pointer: '/matches/' + i, message: 'No pledge on this site has the id “' + id + '”: copy it from the end of the pledge’s web address' });
        }
      });
      return out;
    }

    // --- showing the results --------------------------------------------

    // problems returns one message per slot, in the order of the page.
    function problems(record) {
      var errs = [];
      if (schema) {
        validate(schema, record).forEach(function (e) {
          if (e.keyword === 'anyOf') return; // its branches say more
          errs.push({ pointer: target(e), message: message(e) });
        });
      }
      errs = errs.concat(recordErrors(record), catalogueErrors(record));
      var seen = [], out = [];
      errs.forEach(function (e) {
        var slot = slotFor(e.pointer);
        if (slot && seen.indexOf(slot) >= 0) return;
        if (slot) seen.push(slot);
        if (!slot && out.some(function (o) { return !o.slot && o.message === e.message; })) return;
        out.push({ slot: slot, message: e.message });
      });
      out.sort(function (a, b) {
        if (!a.slot || !b.slot) return a.slot ? 1 : b.slot ? -1 : 0;
        var pos = a.slot.container.compareDocumentPosition(b.slot.container);
        return pos & 4 ? -1 : pos & 2 ? 1 : 0;
      });
      return out;
    }

    function allSlots() {
      var out = [];
      Object.keys(staticSlots).forEach(function (k) { out.push(staticSlots[k]); });
      Object.keys(rowSlots).forEach(function (k) { if (out.indexOf(rowSlots[k]) < 0) out.push(rowSlots[k]); });
      Array.prototype.forEach.call(form.querySelectorAll('.form-row [data-input]'), function (input) {
        var key = input.getAttribute('data-input');
        var row = input.closest('.form-row');
        if (!out.some(function (s) { return s.focus === input; })) out.push(rowSlot(row, key));
      });
      return out;
    }

    function isTouched(slot) {
      return showAll || slot.controls.some(function (c) { return c && touched[c.id]; });
    }

    function setError(slot, msg) {
      var el = slot.error;
      if (!el) return;
      var current = el.getAttribute('data-message') || '';
      if (current !== (msg || '')) {
        el.textContent = '';
        if (msg) {
          var hidden = doc.createElement('span');
          hidden.className = 'visually-hidden';
          hidden.textContent = 'Error: ';
          el.appendChild(hidden);
          el.appendChild(doc.createTextNode(msg));
          el.setAttribute('data-message', msg);
        } else {
          el.removeAttribute('data-message');
        }
      }
      slot.container.classList.toggle('has-error', !!msg);
      if (slot.invalidable) {
        slot.controls.forEach(function (c) {
          if (!c) return;
          if (msg) c.setAttribute('aria-invalid', 'true');
          else c.removeAttribute('aria-invalid');
        });
      }
    }

    function refresh() {
      clearTimeout(timer);
      var record = collect();
      var yaml = toYAML(record);
      if (code.textContent !== yaml) showYAML(yaml);
      fileName.textContent = 'pledges/' + (record.id || '…') + '.yaml';
      updateCountries();

      var list = problems(record);
      var shown = [];
      allSlots().forEach(function (slot) {
        var p = list.filter(function (x) { return x.slot === slot; })[0];
        var msg = p && isTouched(slot) ? p.message : '';
        setError(slot, msg);
      });
      list.forEach(function (p) { if (p.slot && isTouched(p.slot)) shown.push(p); });

      var valid = schemaState === 'ready' && list.length === 0;
      if (schemaState === 'loading') {
        stateText.textContent = 'Loading the rules for checking the form…';
      } else if (schemaState === 'failed') {
        stateText.textContent = 'The rules could not be loaded, so this record has not been checked.';
      } else if (valid) {
        stateText.textContent = 'The record is complete and follows the rules of the catalogue.';
      } else {
        stateText.textContent = plural(list.length, 'problem', 'problems') + ' to fix before the record is ready. Choose “Check the record” to list them.';
      }
      form.setAttribute('data-valid', valid ? 'true' : 'false');
      updateOpenLink(valid, record, yaml);

      // Hide a summary that no longer lists anything to fix; it is not
      // rewritten while typing, which would make it talk.
      if (list.length === 0) summaryRegion.textContent = '';

      if (lastValid !== null && valid !== lastValid) {
        announce(valid ? 'Record updated: it is complete and ready to copy.' : 'Record updated: ' + plural(list.length, 'problem', 'problems') + ' to fix.');
      }
      if (schemaState === 'ready') lastValid = valid;
      return { record: record, yaml: yaml, problems: list, shown: shown };
    }

    // showYAML writes the record one line per block, classed by its
    // indentation, so that wrapped lines hang under their own line.
    function showYAML(yaml) {
      var frag = doc.createDocumentFragment();
      yaml.replace(/\n$/, '').split('\n').forEach(function (line) {
        var span = doc.createElement('span');
        var indent = Math.min(8, /^ */.exec(line)[0].length);
        span.className = 'yaml-line yaml-line--' + (indent - indent % 2);
        span.textContent = line + '\n';
        frag.appendChild(span);
      });
      code.textContent = '';
      code.appendChild(frag);
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(refresh, DEBOUNCE_MS);
    }

    function updateOpenLink(valid, record, yaml) {
      var help;
      var href = '';
      if (!repoURL) {
        help = 'This site has no repository address set, so the record can only be copied.';
      } else if (!valid) {
        help = schemaState === 'failed'
          ? 'Not available: the record could not be checked. Copy it instead.'
          : 'Available when the form has no problems left.';
      } else {
        var base = repoURL + '/new/' + branch + '?filename=pledges/' + record.id + '.yaml';
        href = base + '&value=' + encodeURIComponent(yaml);
        help = 'Opens the repository’s editor in a new tab with the record filled in: sign in, then propose the new file as a pull request.';
        if (href.length > MAX_URL) {
          href = base;
          help = 'The record is too long to pass in a link: copy it first, then paste it into the editor this opens in a new tab.';
        }
      }
      // The link exists only with somewhere to go; until then a button
      // marked unavailable stands in its place (pressing it lists what is
      // left to fix). Focus follows whichever is shown.
      var focused = doc.activeElement === openLink || doc.activeElement === openOff;
      if (href) {
        openLink.setAttribute('href', href);
        openLink.setAttribute('target', '_blank');
        openLink.setAttribute('rel', 'noopener noreferrer');
      } else {
        openLink.removeAttribute('href');
        openLink.removeAttribute('target');
        openLink.removeAttribute('rel');
      }
      if (openLink.hidden !== !href) {
        openLink.hidden = !href;
        openOff.hidden = !!href;
        if (focused) (href ? openLink : openOff).focus();
      }
      if (openHelp.textContent !== help) openHelp.textContent = help;
    }

    var announceTimer = 0;
    function announce(msg) {
      clearTimeout(announceTimer);
      status.textContent = '';
      announceTimer = setTimeout(function () { status.textContent = msg; }, 100);
    }

    function showSummary(list) {
      summaryRegion.textContent = '';
      var box = doc.createElement('div');
      box.className = 'error-summary';
      box.setAttribute('tabindex', '-1');
      var h = doc.createElement('h2');
      h.className = 'error-summary__title';
      h.textContent = list.length === 1 ? 'There is a problem' : 'There are ' + list.length + ' problems';
      var p = doc.createElement('p');
      p.textContent = 'Fix these and check the record again:';
      var ul = doc.createElement('ul');
      list.forEach(function (item) {
        var li = doc.createElement('li');
        var focus = item.slot && item.slot.focus;
        if (focus && focus.id) {
          var a = doc.createElement('a');
          a.href = '#' + focus.id;
          a.textContent = item.message;
          a.addEventListener('click', function (ev) {
            ev.preventDefault();
            var field = $(focus.id);
            if (!field) return;
            var label = item.slot.container.querySelector('label, legend') || field;
            field.focus({ preventScroll: true });
            label.scrollIntoView({ block: 'start' });
          });
          li.appendChild(a);
        } else {
          li.textContent = item.message;
        }
        ul.appendChild(li);
      });
      box.appendChild(h);
      box.appendChild(p);
      box.appendChild(ul);
      summaryRegion.appendChild(box);
      box.focus();
    }

    // --- conditional sections -------------------------------------------

    function updateSections() {
      var type = radio('pledge_type') || 'individual';
      var partners = $('partners-group');
      var wasHidden = partners.hidden;
      partners.hidden = type !== 'joint';
      if (type === 'joint' && wasHidden && rowsOf('partner-rows').length === 0) addRow('partner', false);
      $('matches-field').hidden = type !== 'matching';
      $('financial-group').hidden = checked('support').indexOf('financial') < 0;
    }

    // --- repeatable rows --------------------------------------------------

    function addRow(kind, focus) {
      var list = $(kind + '-rows');
      var tpl = $(kind + '-template');
      var row = tpl.content.firstElementChild.cloneNode(true);
      var n = ++rowCount;
      Array.prototype.forEach.call(row.querySelectorAll('[data-input]'), function (input) {
        var key = input.getAttribute('data-input');
        var id = kind + '-' + n + '-' + key;
        input.id = id;
        var label = row.querySelector('[data-for="' + key + '"]');
        label.setAttribute('for', id);
        var help = row.querySelector('[data-help="' + key + '"]');
        var err = row.querySelector('[data-error="' + key + '"]');
        var described = [];
        if (help) { help.id = id + '-help'; described.push(help.id); }
        if (err) { err.id = id + '-error'; described.push(err.id); }
        if (described.length) input.setAttribute('aria-describedby', described.join(' '));
      });
      list.appendChild(row);
      renumber(list);
      if (focus) rowInput(row, row.querySelector('[data-input]').getAttribute('data-input')).focus();
      schedule();
      return row;
    }

    function removeRow(row) {
      var list = row.parentNode;
      var rows = rowsOf(list.id);
      var i = rows.indexOf(row);
      list.removeChild(row);
      Array.prototype.forEach.call(row.querySelectorAll('[data-input]'), function (c) { delete touched[c.id]; });
      renumber(list);
      var left = rowsOf(list.id);
      var next = left[i] || left[i - 1];
      var kind = list.id.replace(/-rows$/, '');
      if (next) next.querySelector('[data-input]').focus();
      else $('add-' + kind).focus();
      announce(kind === 'partner' ? 'Partner removed.' : 'Link removed.');
      refresh();
    }

    function renumber(list) {
      rowsOf(list.id).forEach(function (row, i) {
        Array.prototype.forEach.call(row.querySelectorAll('[data-row-number]'), function (s) { s.textContent = String(i + 1); });
      });
    }

    // --- countries: readout and suggestions -------------------------------

    function updateCountries() {
      var readout = $('f-countries-readout');
      if (!readout) return;
      var names = {};
      countryList.forEach(function (c) { names[c.code] = c.name; });
      var known = parseCountries(value('f-countries'), countryList).filter(function (c) { return has(names, c); });
      var t = known.length ? 'Understood as: ' + known.map(function (c) { return names[c] + ' (' + c + ')'; }).join(', ') + '.' : '';
      if (readout.textContent !== t) readout.textContent = t;
    }

    // multiSuggest lets a datalist suggest the item being typed after the
    // last comma, by prefixing its options with what comes before.
    function multiSuggest(input) {
      var list = input.list;
      if (!list) return;
      var last = '';
      input.addEventListener('input', function () {
        var v = input.value, i = v.lastIndexOf(',');
        var prefix = i < 0 ? '' : v.slice(0, i + 1) + /^\s*/.exec(v.slice(i + 1))[0];
        if (prefix === last) return;
        last = prefix;
        // Options arrive after the page loads; each keeps its own id.
        Array.prototype.forEach.call(list.options, function (o) {
          var id = o.getAttribute('data-id');
          if (id === null) { id = o.value; o.setAttribute('data-id', id); }
          o.value = prefix + id;
        });
      });
    }

    // --- events ------------------------------------------------------------

    function touch(el) { if (el && el.id) touched[el.id] = true; }

    form.addEventListener('input', function (ev) {
      var el = ev.target;
      touch(el);
      if (el.id === 'f-id') idEdited = el.value.trim() !== '';
      if (el.id === 'f-title' && !idEdited) $('f-id').value = slugify(el.value);
      schedule();
    });
    form.addEventListener('change', function (ev) {
      touch(ev.target);
      if (ev.target.name === 'f-pledge_type' || ev.target.name === 'f-support') {
        updateSections();
        refresh();
      } else {
        schedule();
      }
    });
    form.addEventListener('focusout', function (ev) {
      var el = ev.target;
      if (el.matches && el.matches('input[type=text], input[type=email], input[type=url], textarea') && el.value.trim() !== '') {
        touch(el);
        refresh();
      }
    });
    form.addEventListener('click', function (ev) {
      var remove = ev.target.closest && ev.target.closest('[data-remove]');
      if (remove) removeRow(remove.closest('.form-row'));
    });
    $('add-partner').addEventListener('click', function () { addRow('partner', true); });
    $('add-link').addEventListener('click', function () { addRow('link', true); });

    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      checkForm();
    });

    // checkForm shows every problem, or moves to the record when there is
    // none.
    function checkForm() {
      showAll = true;
      var r = refresh();
      if (schemaState === 'loading') {
        announce('Still loading the rules; try again in a moment.');
        return;
      }
      if (r.problems.length) {
        showSummary(r.problems);
      } else {
        summaryRegion.textContent = '';
        var heading = $('record-output-title');
        heading.focus();
        announce(schemaState === 'ready' ? 'The record is complete. Copy it or open it in the repository.' : 'The record could not be checked. You can copy it.');
      }
    }

    // Following the link hands over the record as the last keystroke left
    // it: the link's address is brought up to date before it is followed.
    openLink.addEventListener('click', function () { refresh(); });
    openLink.addEventListener('auxclick', function () { refresh(); }); // middle click: a new tab
    openLink.addEventListener('contextmenu', function () { refresh(); }); // "open in new tab"

    copyButton.addEventListener('click', function () {
      refresh(); // the last keystroke's record, not the one before it
      var yaml = code.textContent;
      var done = function () { announce('Copied'); copyButton.classList.add('is-copied'); setTimeout(function () { copyButton.classList.remove('is-copied'); }, 3000); };
      var fallback = function () {
        var range = doc.createRange();
        range.selectNodeContents(code);
        var sel = doc.defaultView.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        var ok = false;
        try { ok = doc.execCommand('copy'); } catch (e) { ok = false; }
        if (ok) done();
        else announce('The record is selected: press Control and C, or Command and C, to copy it.');
      };
      // The asynchronous clipboard can be refused, or left pending when the
      // page is not focused; the selection then does the job.
      var clip = doc.defaultView.navigator.clipboard;
      if (!clip || !clip.writeText) { fallback(); return; }
      var settled = false;
      var once = function (f) { return function () { if (!settled) { settled = true; f(); } }; };
      clip.writeText(yaml).then(once(done), once(fallback));
      setTimeout(once(fallback), 1000);
    });

    openOff.addEventListener('click', function () {
      if (!repoURL) {
        announce('This site has no repository address set, so the record can only be copied.');
        return;
      }
      checkForm();
    });

    Array.prototype.forEach.call(form.querySelectorAll('input[data-multi]'), multiSuggest);

    // --- start ---------------------------------------------------------------

    $('submit-js-notice').hidden = true;
    $('submit-layout').hidden = false;
    output.hidden = false;
    addRow('link', false);
    updateSections();
    refresh();

    var getJSON = function (url) {
      return doc.defaultView.fetch(url, { credentials: 'same-origin' }).then(function (resp) {
        if (!resp.ok) throw new Error('HTTP ' + resp.status);
        return resp.json();
      });
    };
    var url = form.getAttribute('data-schema-url');
    var schemaLoaded = getJSON(url).then(function (s) {
      var unknown = unsupportedKeywords(s);
      if (unknown.length) doc.defaultView.console.warn('submit.js: the schema uses keywords this form does not check: ' + unknown.join(', '));
      schema = s;
      schemaState = 'ready';
    }, function (err) {
      doc.defaultView.console.error('submit.js: cannot load the schema from ' + url + ': ' + err);
      schemaState = 'failed';
      $('submit-load-error').hidden = false;
    });
    // Without the ids the form still works; it only cannot tell a taken
    // id or an unknown matched pledge.
    var idsURL = form.getAttribute('data-ids-url');
    var idsLoaded = !idsURL ? null : getJSON(idsURL).then(function (d) {
      var taken = {}, pledges = {};
      var list = $('pledge-ids'), options = doc.createDocumentFragment();
      (d.multistakeholder || []).forEach(function (id) { taken[id] = true; });
      (d.pledges || []).forEach(function (p) {
        taken[p[0]] = pledges[p[0]] = true;
        var o = doc.createElement('option');
        o.value = p[0];
        o.textContent = p[1];
        options.appendChild(o);
      });
      if (list) list.appendChild(options);
      takenIDs = taken;
      pledgeIDs = pledges;
    }, function (err) {
      doc.defaultView.console.error('submit.js: cannot load the ids from ' + idsURL + ': ' + err);
    });
    Promise.all([schemaLoaded, idsLoaded]).then(function () {
      refresh();
      form.setAttribute('data-state', schemaState);
    });
  }

  function has(set, key) { return Object.prototype.hasOwnProperty.call(set, key); }

  if (typeof document !== 'undefined' && document.getElementById) {
    var start = function () {
      var form = document.getElementById('pledge-form');
      if (form) init(form);
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  }

  if (typeof module !== 'undefined' && module.exports) {
    module.exports = {
      validate: validate,
      unsupportedKeywords: unsupportedKeywords,
      message: message,
      target: target,
      toYAML: toYAML,
      plainOK: plainOK,
      slugify: slugify,
      splitList: splitList,
      parseCountries: parseCountries,
      parseAmount: parseAmount,
      isDate: isDate
    };
  }
})();
