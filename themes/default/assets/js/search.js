// Search and faceted filtering of the pledge catalogue, in the browser,
// from the static index the generator writes under /search/ (see
// generator/search/index.go for the file formats). No dependencies, no
// inline script: the page's content security policy allows only this file.
//
// State lives in the URL (?q=legal+aid&status=in-progress&countries=KEN),
// so every result set can be shared and bookmarked. Without JavaScript the
// page explains that filtering needs it and links to the list pages.
(function () {
  'use strict';

  // ---- Tokenizing and stemming: the same rules as generator/search. ----

  var STOP = Object.create(null);
  ('a an and are as at be by for from has have in into is it its of on or that the their this to was were ' +
    'will with which who our we they them these those also than then there not but can per via such each other ' +
    'all any more most some been being https http www org com').split(' ').forEach(function (w) { STOP[w] = true; });

  var FOLD = {};
  var FOLD_GROUPS = {
    a: 'àáâãäåāăąÀÁÂÃÄÅĀĂĄ', c: 'çćĉċčÇĆĈĊČ', d: 'ďđĎĐ', e: 'èéêëēĕėęěÈÉÊËĒĔĖĘĚ',
    g: 'ĝğġģĜĞĠĢ', h: 'ĥħĤĦ', i: 'ìíîïĩīĭįıÌÍÎÏĨĪĬĮİ', j: 'ĵĴ', k: 'ķĶ',
    l: 'ĺļľŀłĹĻĽĿŁ', n: 'ñńņňÑŃŅŇ', o: 'òóôõöøōŏőÒÓÔÕÖØŌŎŐ', r: 'ŕŗřŔŖŘ',
    s: 'śŝşšŚŜŞŠ', t: 'ţťŧŢŤŦ', u: 'ùúûüũūŭůűųÙÚÛÜŨŪŬŮŰŲ', w: 'ŵŴ',
    y: 'ýÿŷÝŸŶ', z: 'źżžŹŻŽ', ss: 'ß', ae: 'æÆ', oe: 'œŒ'
  };
  Object.keys(FOLD_GROUPS).forEach(function (plain) {
    Array.from(FOLD_GROUPS[plain]).forEach(function (ch) { FOLD[ch] = plain; });
  });

  var LETTER = /[\p{L}\p{N}]/u;

  // words splits text into lowercase folded words, before stop words and
  // stemming, keeping where each word starts (for highlighting).
  function words(text) {
    var out = [];
    var cur = '';
    var start = 0;
    var i = 0;
    function flush() {
      if (cur) out.push({ word: cur, start: start, end: i });
      cur = '';
    }
    for (var ch of text) {
      var code = ch.codePointAt(0);
      if (code < 128) {
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
          if (!cur) start = i;
          cur += ch;
        } else if (ch >= 'A' && ch <= 'Z') {
          if (!cur) start = i;
          cur += ch.toLowerCase();
        } else if (ch !== '\'') {
          flush();
        }
      } else if (ch === '\u2019') {
        // possessive apostrophe: dropped, the word goes on
      } else if (LETTER.test(ch)) {
        if (!cur) start = i;
        cur += FOLD[ch] || ch.toLowerCase();
      } else {
        flush();
      }
      i += ch.length;
    }
    flush();
    return out;
  }

  function keep(w) {
    return !((w.length < 2 && !(w[0] >= '0' && w[0] <= '9')) || STOP[w] || w.length > 40);
  }

  function tokens(text) {
    return words(text).map(function (w) { return w.word; }).filter(keep).map(stem);
  }

  // stem is the Porter (1980) stemmer, as Stem in generator/search/stem.go.
  function stem(word) {
    if (word.length <= 2 || !/^[a-z]+$/.test(word)) return word;
    var b = word;
    function cons(i) {
      var c = b[i];
      if (c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u') return false;
      if (c === 'y') return i === 0 || !cons(i - 1);
      return true;
    }
    function measure(n) {
      var m = 0, i = 0;
      while (i < n && cons(i)) i++;
      while (i < n) {
        while (i < n && !cons(i)) i++;
        if (i >= n) break;
        while (i < n && cons(i)) i++;
        m++;
      }
      return m;
    }
    function hasVowel(n) { for (var i = 0; i < n; i++) if (!cons(i)) return true; return false; }
    function doubleCons(n) { return n >= 2 && b[n - 1] === b[n - 2] && cons(n - 1); }
    function cvc(n) {
      if (n < 3 || !cons(n - 1) || cons(n - 2) || !cons(n - 3)) return false;
      var c = b[n - 1];
      return c !== 'w' && c !== 'x' && c !== 'y';
    }
    function ends(s) { return b.endsWith(s); }
    function replace(suffix, repl, m) {
      if (!ends(suffix)) return false;
      var st = b.length - suffix.length;
      if (measure(st) > m) b = b.slice(0, st) + repl;
      return true;
    }
    // step 1a
    if (ends('sses') || ends('ies')) b = b.slice(0, -2);
    else if (ends('ss')) { /* keep */ } else if (ends('s')) b = b.slice(0, -1);
    // step 1b
    if (ends('eed')) {
      if (measure(b.length - 3) > 0) b = b.slice(0, -1);
    } else {
      var cut = 0;
      if (ends('ed') && hasVowel(b.length - 2)) cut = 2;
      else if (ends('ing') && hasVowel(b.length - 3)) cut = 3;
      if (cut) {
        b = b.slice(0, -cut);
        var n = b.length;
        if (ends('at') || ends('bl') || ends('iz')) b += 'e';
        else if (doubleCons(n) && b[n - 1] !== 'l' && b[n - 1] !== 's' && b[n - 1] !== 'z') b = b.slice(0, -1);
        else if (measure(n) === 1 && cvc(n)) b += 'e';
      }
    }
    // step 1c
    if (ends('y') && hasVowel(b.length - 1)) b = b.slice(0, -1) + 'i';
    // steps 2 and 3
    var i;
    for (i = 0; i < STEP2.length; i++) if (replace(STEP2[i][0], STEP2[i][1], 0)) break;
    for (i = 0; i < STEP3.length; i++) if (replace(STEP3[i][0], STEP3[i][1], 0)) break;
    // step 4
    var best = '';
    STEP4.forEach(function (s) { if (ends(s) && s.length > best.length) best = s; });
    if (best) {
      var st = b.length - best.length;
      var ionOK = best !== 'ion' || (st > 0 && (b[st - 1] === 's' || b[st - 1] === 't'));
      if (ionOK && measure(st) > 1) b = b.slice(0, st);
    }
    // step 5
    var len = b.length;
    if (b[len - 1] === 'e') {
      var m = measure(len - 1);
      if (m > 1 || (m === 1 && !cvc(len - 1))) b = b.slice(0, -1);
    }
    len = b.length;
    if (measure(len) > 1 && doubleCons(len) && b[len - 1] === 'l') b = b.slice(0, -1);
    return b;
  }
  var STEP2 = [['ational', 'ate'], ['tional', 'tion'], ['enci', 'ence'], ['anci', 'ance'], ['izer', 'ize'],
    ['bli', 'ble'], ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous'], ['ization', 'ize'],
    ['ation', 'ate'], ['ator', 'ate'], ['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'],
    ['ousness', 'ous'], ['aliti', 'al'], ['iviti', 'ive'], ['biliti', 'ble'], ['logi', 'log']];
  var STEP3 = [['icate', 'ic'], ['ative', ''], ['alize', 'al'], ['iciti', 'ic'], ['ical', 'ic'], ['ful', ''], ['ness', '']];
  var STEP4 = ['al', 'ance', 'ence', 'er', 'ic', 'able', 'ible', 'ant', 'ement', 'ment', 'ent', 'ion', 'ou',
    'ism', 'ate', 'iti', 'ous', 'ive', 'ize'];

  // Node tests load this file to compare stems with the Go implementation.
  if (typeof module !== 'undefined' && module.exports) {
    module.exports = { stem: stem, tokens: tokens };
    return;
  }

  var form = document.getElementById('search');
  if (!form || !window.fetch || !window.Uint32Array) return;
  document.documentElement.classList.add('js');

  // ---- Document sets: bitsets of one bit per document. ----

  var N = 0;      // number of documents
  var WORDS = 0;  // 32-bit words per set

  function emptySet() { return new Uint32Array(WORDS); }
  function fullSet() {
    var s = new Uint32Array(WORDS).fill(0xffffffff);
    var extra = WORDS * 32 - N;
    if (extra > 0) s[WORDS - 1] = 0xffffffff >>> extra;
    return s;
  }
  function and(a, b) { var o = new Uint32Array(WORDS); for (var i = 0; i < WORDS; i++) o[i] = a[i] & b[i]; return o; }
  function orInto(a, b) { for (var i = 0; i < WORDS; i++) a[i] |= b[i]; return a; }
  function popcount(x) {
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  function countAnd(a, b) { var c = 0; for (var i = 0; i < WORDS; i++) { var v = a[i] & b[i]; if (v) c += popcount(v); } return c; }
  function members(s) {
    var out = [];
    for (var i = 0; i < WORDS; i++) {
      var v = s[i];
      while (v) {
        var t = v & -v;
        out.push(i * 32 + 31 - Math.clz32(t));
        v ^= t;
      }
    }
    return out;
  }

  // reader walks the binary files: varints and sets (tag 0 empty, 1 gap
  // list, 2 bitmap, each with its byte length).
  function reader(buf) {
    var bytes = new Uint8Array(buf);
    var pos = 0;
    function uvarint() {
      var x = 0, mul = 1, b;
      do { b = bytes[pos++]; x += (b & 0x7f) * mul; mul *= 128; } while (b & 0x80);
      return x;
    }
    return {
      more: function () { return pos < bytes.length; },
      uvarint: uvarint,
      string: function () { var n = uvarint(); var s = new TextDecoder().decode(bytes.subarray(pos, pos + n)); pos += n; return s; },
      set: function () {
        var s = emptySet();
        var tag = bytes[pos++];
        if (tag === 0) return s;
        var n = uvarint();
        var end = pos + n;
        if (tag === 1) {
          var d = -1;
          while (pos < end) { d += uvarint() + 1; s[d >>> 5] |= 1 << (d & 31); }
        } else {
          for (var i = 0; pos < end; i++, pos++) s[i >>> 2] |= bytes[pos] << ((i & 3) * 8);
        }
        pos = end;
        return s;
      }
    };
  }

  // ---- Loading the index. ----

  var metaURL = new URL(form.getAttribute('data-meta'), location.href);
  var hash = metaURL.searchParams.get('v') || '';
  var cache = {};
  function load(path, kind) {
    if (!cache[path]) {
      var u = new URL(path, metaURL);
      u.search = 'v=' + hash;
      cache[path] = fetch(u.href).then(function (r) {
        if (!r.ok) throw new Error(path + ': ' + r.status);
        return kind === 'json' ? r.json() : r.arrayBuffer();
      });
    }
    return cache[path];
  }

  var meta = null;
  var shardKeys = Object.create(null);
  var shards = Object.create(null);   // key -> Promise of {term: [T, S, D]}
  var facetSets = null; // field -> {value: set}
  var facetsLoading = null;

  function shardFile(key) {
    // Hex for any other key, and for one starting with x, so that names
    // do not collide (the generator's ShardFile).
    if (/^[a-wyz0-9][a-z0-9]*$/.test(key)) return key + '.bin';
    var hex = '';
    new TextEncoder().encode(key).forEach(function (b) { hex += (b < 16 ? '0' : '') + b.toString(16); });
    return 'x' + hex + '.bin';
  }
  function shardFor(term) {
    var chars = Array.from(term);
    for (var k = chars.length; k > 0; k--) {
      var p = chars.slice(0, k).join('');
      if (shardKeys[p]) return p;
    }
    return null;
  }
  function loadShard(key) {
    if (!shards[key]) {
      shards[key] = load('t/' + shardFile(key)).then(function (buf) {
        var r = reader(buf);
        var terms = {};
        var n = r.uvarint();
        for (var i = 0; i < n; i++) {
          var t = r.string();
          terms[t] = [r.set(), r.set(), r.set()];
        }
        return terms;
      });
    }
    return shards[key];
  }
  function loadFacets() {
    if (!facetsLoading) {
      facetsLoading = load('facets.bin').then(function (buf) {
        var r = reader(buf);
        var out = {};
        meta.facets.forEach(function (f) {
          out[f.field] = {};
          f.values.forEach(function (v) { out[f.field][v] = r.set(); });
        });
        facetSets = out;
        return out;
      });
    }
    return facetsLoading;
  }

  // ---- Queries. ----

  var TIER_WEIGHT = [4, 2, 1];

  // match finds the documents for the query text and their scores. The
  // last word, while being typed, also matches terms it starts.
  function match(q, live) {
    var ws = words(q).map(function (w) { return w.word; }).filter(keep);
    if (!ws.length) return Promise.resolve(null);
    // Only a query being typed matches its last word by prefix; one read
    // from the address (shared, reloaded, Back) means whole words, so it
    // gives the same results wherever it is opened.
    var typing = live && !/\s$/.test(q);
    return Promise.all(ws.map(function (w, i) {
      var st = stem(w);
      var prefixMode = typing && i === ws.length - 1 && w.length >= 3;
      var keys = {};
      var k = shardFor(st); if (k) keys[k] = true;
      if (prefixMode) {
        k = shardFor(w); if (k) keys[k] = true;
        meta.shards.forEach(function (key) { if (key.indexOf(w) === 0) keys[key] = true; });
      }
      return Promise.all(Object.keys(keys).map(loadShard)).then(function (loaded) {
        var cands = [];
        loaded.forEach(function (terms) {
          Object.keys(terms).forEach(function (t) {
            var weight = 0;
            if (t === st) weight = 1;
            else if (prefixMode && t.indexOf(w) === 0) weight = 0.5;
            else if (prefixMode && t.length >= 4 && w.indexOf(t) === 0 && w.length - t.length <= 3) weight = 0.8;
            if (weight) cands.push({ sets: terms[t], weight: weight });
          });
        });
        return cands;
      });
    })).then(function (perWord) {
      var set = fullSet();
      var score = new Float32Array(N);
      perWord.forEach(function (cands) {
        var wordSet = emptySet();
        var wordScore = new Float32Array(N);
        cands.forEach(function (c) {
          c.sets.forEach(function (s, tier) {
            orInto(wordSet, s);
            var w = c.weight * TIER_WEIGHT[tier];
            members(s).forEach(function (d) { if (w > wordScore[d]) wordScore[d] = w; });
          });
        });
        set = and(set, wordSet);
        for (var d = 0; d < N; d++) score[d] += wordScore[d];
      });
      return { set: set, score: score };
    });
  }

  // ---- The page. ----

  var input = form.querySelector('input[type=search][name=q]');
  var sortSelect = form.querySelector('select[name=sort]');
  var list = document.getElementById('result-list');
  var countEl = form.querySelector('[data-result-count]');
  var status = document.getElementById('search-status');
  var more = document.getElementById('more');
  var boxes = Array.prototype.slice.call(form.querySelectorAll('input[type=checkbox]'));
  var PAGE = 10;
  var shown = 0;
  var results = [];
  var run = 0;
  var statusTimer = 0;

  function selection() {
    var sel = {};
    boxes.forEach(function (b) {
      if (b.checked) (sel[b.name] = sel[b.name] || []).push(b.value);
    });
    return sel;
  }

  function stateToURL() {
    var p = new URLSearchParams();
    if (input.value.trim()) p.set('q', input.value.trim());
    boxes.forEach(function (b) { if (b.checked) p.append(b.name, b.value); });
    if (sortSelect.value) p.set('sort', sortSelect.value);
    var s = p.toString();
    return location.pathname + (s ? '?' + s : '');
  }

  function urlToState() {
    var p = new URLSearchParams(location.search);
    input.value = p.get('q') || '';
    boxes.forEach(function (b) { b.checked = p.getAll(b.name).indexOf(b.value) >= 0; });
    sortSelect.value = p.get('sort') === 'date' ? 'date' : '';
    showChosen();
  }

  // The filters fold away on a narrow screen, where they come before the
  // results; their heading says how many are ticked. Beside the results
  // they stay open.
  var panel = form.querySelector('[data-filters]');
  var chosen = form.querySelector('[data-filters-chosen]');
  var wide = window.matchMedia('(min-width: 56rem)');
  function fold() { if (panel) panel.open = wide.matches; }
  function showChosen() {
    var n = boxes.filter(function (b) { return b.checked; }).length;
    if (chosen) chosen.textContent = n ? '(' + n + ' chosen)' : '';
  }
  fold();
  if (wide.addEventListener) wide.addEventListener('change', fold);
  if (panel) panel.addEventListener('toggle', function () { if (wide.matches && !panel.open) panel.open = true; });

  function update(push) {
    var url = stateToURL();
    if (url !== location.pathname + location.search) {
      history[push ? 'pushState' : 'replaceState'](null, '', url);
    }
    search(true);
  }

  function search(live) {
    var id = ++run;
    var q = input.value;
    var sel = selection();
    var needFacets = Object.keys(sel).length > 0;
    Promise.all([match(q, live), needFacets ? loadFacets() : null]).then(function (r) {
      if (id !== run) return;
      var m = r[0];
      var text = m ? m.set : fullSet();
      var filtered = applyFacets(text, sel);
      // Documents are numbered oldest first: the list shows the newest first.
      var docs = members(filtered).reverse();
      if (m && sortSelect.value !== 'date') {
        docs.sort(function (a, b) { return (m.score[b] - m.score[a]) || (b - a); });
      }
      results = docs;
      shown = 0;
      return renderMore(id, false, m ? queryStems(q) : []).then(function () {
        if (id !== run) return;
        setCount(docs.length);
        // Counts follow once the facet table is there; fetching it after
        // the first results keeps the first answer small and fast. With no
        // query and nothing ticked, the page's own counts are right.
        if (m || needFacets || facetSets) {
          loadFacets().then(function () { if (id === run) updateCounts(text, sel); });
        }
      });
    }).catch(function (err) {
      // One query failed (a shard did not load): say so where the results
      // go, and keep the form for the next.
      if (id !== run) return;
      list.textContent = '';
      var li = document.createElement('li');
      li.className = 'result-error';
      li.textContent = 'This search could not be completed (' + err.message + '). Try again, or reload the page.';
      list.appendChild(li);
      setCount(0);
      status.textContent = li.textContent;
    });
  }

  function applyFacets(text, sel) {
    var out = text;
    Object.keys(sel).forEach(function (field) {
      if (!facetSets || !facetSets[field]) return;
      var any = emptySet();
      sel[field].forEach(function (v) { if (facetSets[field][v]) orInto(any, facetSets[field][v]); });
      out = and(out, any);
    });
    return out;
  }

  // updateCounts sets each value's count to the documents it would give:
  // the other facets' selections apply, its own facet's do not (OR within
  // a facet, AND across facets).
  function updateCounts(text, sel) {
    var byField = {};
    boxes.forEach(function (b) { (byField[b.name] = byField[b.name] || []).push(b); });
    Object.keys(byField).forEach(function (field) {
      var others = {};
      Object.keys(sel).forEach(function (f) { if (f !== field) others[f] = sel[f]; });
      var base = applyFacets(text, others);
      byField[field].forEach(function (b) {
        var s = facetSets[field] && facetSets[field][b.value];
        var n = s ? countAnd(base, s) : 0;
        var c = b.parentNode.querySelector('[data-count]');
        if (c) c.textContent = '(' + n.toLocaleString('en') + ')';
        b.closest('li').classList.toggle('is-empty', n === 0 && !b.checked);
      });
    });
  }

  function setCount(n) {
    countEl.textContent = n.toLocaleString('en');
    clearTimeout(statusTimer);
    // Announce once the user pauses, not on every keystroke.
    statusTimer = setTimeout(function () {
      status.textContent = n === 1 ? '1 pledge found' : n.toLocaleString('en') + ' pledges found';
    }, 700);
  }

  function queryStems(q) {
    var out = {};
    words(q).forEach(function (w) { if (keep(w.word)) { out[stem(w.word)] = true; out[w.word] = true; } });
    return Object.keys(out);
  }

  function renderMore(id, append, stems) {
    var docs = results.slice(shown, shown + PAGE);
    return Promise.all(docs.map(function (d) { return load('d/' + d + '.json', 'json'); })).then(function (frags) {
      if (id !== run) return;
      var fragment = document.createDocumentFragment();
      frags.forEach(function (f) { fragment.appendChild(resultItem(f, stems)); });
      if (!append) list.textContent = '';
      var first = fragment.firstChild;
      list.appendChild(fragment);
      shown += docs.length;
      more.hidden = shown >= results.length;
      return first;
    });
  }

  var statusLabels = {};
  boxes.forEach(function (b) {
    if (b.name === 'status') statusLabels[b.value] = b.parentNode.querySelector('[data-label]').textContent;
  });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function resultItem(f, stems) {
    var li = el('li', 'result');
    li.setAttribute('data-pledge-id', f.id);
    var h = el('h3', 'result__title');
    var a = el('a', '', f.title);
    a.href = f.url;
    h.appendChild(a);
    li.appendChild(h);
    var metaP = el('p', 'result__meta');
    metaP.appendChild(el('span', 'result__entity', f.entity));
    if (f.kind === 'multistakeholder') metaP.appendChild(el('span', 'badge badge--msp', 'Multistakeholder pledge'));
    else if (f.status) metaP.appendChild(el('span', 'badge badge--' + f.status, statusLabels[f.status] || f.status));
    var t = el('time', 'result__date', f.date);
    t.setAttribute('datetime', f.date);
    metaP.appendChild(t);
    li.appendChild(metaP);
    li.appendChild(snippet(f, stems));
    return li;
  }

  // snippet shows the summary, or a passage of the description holding a
  // query word, with matching words marked.
  function snippet(f, stems) {
    var text = f.summary;
    if (stems.length && !hits(f.summary, stems).length && f.text) {
      var h = hits(f.text, stems);
      if (h.length) {
        var from = Math.max(0, h[0].start - 80);
        var sp = f.text.lastIndexOf(' ', from);
        from = sp > 0 && from > 0 ? sp + 1 : from;
        text = (from > 0 ? '… ' : '') + f.text.slice(from, from + 260) + (from + 260 < f.text.length ? ' …' : '');
      }
    }
    var p = el('p', 'result__snippet');
    var last = 0;
    hits(text, stems).forEach(function (w) {
      p.appendChild(document.createTextNode(text.slice(last, w.start)));
      p.appendChild(el('mark', '', text.slice(w.start, w.end)));
      last = w.end;
    });
    p.appendChild(document.createTextNode(text.slice(last)));
    return p;
  }

  function hits(text, stems) {
    if (!stems.length) return [];
    return words(text).filter(function (w) {
      var s = stem(w.word);
      return stems.some(function (q) { return s === q || (q.length >= 3 && w.word.indexOf(q) === 0); });
    });
  }

  // ---- Wiring. ----

  var typingTimer = 0;
  input.addEventListener('input', function () {
    // Results follow each keystroke; the history entry only once typing
    // pauses, so Back does not step through every letter.
    replaceNow();
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { pushed = false; }, 1000);
  });
  var pushed = false;
  function replaceNow() {
    var url = stateToURL();
    if (!pushed) { history.pushState(null, '', url); pushed = true; } else history.replaceState(null, '', url);
    search(true);
  }
  form.addEventListener('change', function (e) {
    if (e.target === input) return;
    showChosen();
    update(true);
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    update(true);
  });
  form.addEventListener('reset', function () {
    setTimeout(function () { showChosen(); update(true); }, 0);
  });
  more.addEventListener('click', function () {
    var id = run;
    var stems = queryStems(input.value);
    renderMore(id, true, stems).then(function (first) {
      var link = first && first.querySelector('a');
      if (link) link.focus();
    });
  });
  window.addEventListener('popstate', function () {
    urlToState();
    pushed = false;
    search(false);
  });

  load('meta.json', 'json').then(function (m) {
    if (m.v !== 2) throw new Error('unknown index version ' + m.v);
    meta = m;
    N = m.docs;
    WORDS = Math.ceil(N / 32) || 1;
    m.shards.forEach(function (k) { shardKeys[k] = true; });
    urlToState();
    search(false);
  }).catch(unavailable);

  // unavailable gives the page back to the links it shows without a
  // script, saying why: a search form with no index would show results
  // that are not there.
  function unavailable(err) {
    var notice = document.querySelector('.search-nojs');
    var hadFocus = form.contains(document.activeElement);
    document.documentElement.classList.remove('js');
    if (notice && hadFocus) notice.focus(); // the form it was in is gone
    var reason = document.querySelector('[data-nojs-reason]');
    var why = document.querySelector('[data-nojs-why]');
    if (reason) reason.textContent = 'Search could not load (' + err.message + ')';
    if (why) why.textContent = '';
    if (window.console) window.console.error('search.js: ' + err.message);
  }
})();
