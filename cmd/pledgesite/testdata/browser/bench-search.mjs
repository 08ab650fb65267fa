// Measures the search page (/search/) of a large built site in Debian's
// headless Chromium, and Pagefind's search over the same pages, for
// searchbench_test.go (make bench-search). Prints one JSON object:
//
//   open      for each word: the bytes fetched from opening the page to the
//             first results of the word, by kind of file, (a) typing the
//             word into the box of /search/ and (b) opening
//             /search/?q=<word> directly; raw (decoded) and gzip (as sent)
//             body bytes, and transfer bytes with headers, from the
//             browser's network events (which, unlike resource timing,
//             include the fetches of Pagefind's web worker)
//   latency   for each of the latency words, typed into the box: the time
//             from the last keydown to the last change of the result list
//             (performance.now() in the page, a MutationObserver on
//             #result-list)
//   facets    for each facet case, the page opened at /search/?<case>: the
//             form's state, the result count, the first results and every
//             facet count, for the Go side to check against the records
//   pagefind  the same words through Pagefind's JS API loaded in a blank
//             page: pagefind.search(word), then the first 10 results'
//             data(); bytes by kind of file and time
//   errors    script errors and failed requests
//
// Usage: node bench-search.mjs BASE_URL PLAN.json
// PLAN.json: {"words": [...], "latencyWords": [...], "typeDelay": ms,
// "facets": ["?...", ...], "pagefind": "blank.html" or ""}
import { readFileSync } from 'node:fs';
import { launchChromium } from './chromium.mjs';


const [base, planFile] = process.argv.slice(2);
if (!base || !planFile) {
  process.stderr.write('usage: node bench-search.mjs BASE_URL PLAN.json\n');
  process.exit(2);
}
const plan = JSON.parse(readFileSync(planFile, 'utf8'));
const searchURL = qs => new URL('search/' + (qs || ''), base).href;

const browser = await launchChromium();
const report = { open: {}, latency: [], facets: {}, pagefind: {}, errors: [] };
const pending = new WeakMap();
const fetched = new WeakMap(); // page -> finished requests, with sizes

// Each measurement gets a new context: an empty cache, as a first visit.
async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    const b = window.__bench = { keydown: 0, mutation: 0 };
    document.addEventListener('keydown', () => { b.keydown = performance.now(); }, true);
    document.addEventListener('DOMContentLoaded', () => {
      const list = document.getElementById('result-list');
      if (list) new MutationObserver(() => { b.mutation = performance.now(); }).observe(list, { childList: true });
    });
  });
  const page = await context.newPage();
  pending.set(page, 0);
  page.on('request', () => pending.set(page, pending.get(page) + 1));
  const done = () => pending.set(page, pending.get(page) - 1);
  const log = [];
  fetched.set(page, log);
  page.on('requestfinished', req => {
    // Sizes from the browser's network events, which see a worker's
    // fetches too (Pagefind searches in a web worker): the body as sent
    // (gzip when compressed) and as decoded.
    if (!/^https?:/.test(req.url())) return done();
    const e = { url: req.url(), end: 0, gzip: 0, raw: 0, headers: 0 };
    e.ready = (async () => {
      const t = req.timing();
      e.end = t.startTime + t.responseEnd;
      const s = await req.sizes();
      e.gzip = Math.max(0, s.responseBodySize);
      e.headers = Math.max(0, s.responseHeadersSize);
      const resp = await req.response();
      e.raw = resp ? (await resp.body()).length : 0;
    })().catch(err => { report.errors.push(`sizes of ${e.url}: ${err.message}`); });
    log.push(e);
    done();
  });
  page.on('requestfailed', r => { done(); report.errors.push(`request failed: ${r.url()} ${r.failure() && r.failure().errorText}`); });
  page.on('response', r => { if (r.status() >= 400) report.errors.push(`HTTP ${r.status()} for ${r.url()}`); });
  page.on('pageerror', e => report.errors.push(`${page.url()}: ${e.message}`));
  page.on('console', m => { if (m.type() === 'error') report.errors.push(`${page.url()}: console: ${m.text()}`); });
  // close waits for the sizes of the page's requests first.
  const close = async () => {
    await Promise.all(log.map(e => e.ready));
    await context.close();
  };
  return { context: { close }, page };
}

function signature() {
  const ids = Array.from(document.querySelectorAll('[data-pledge-id]'), e => e.getAttribute('data-pledge-id')).join(',');
  const counts = Array.from(document.querySelectorAll('[data-count]'), e => e.textContent).join(',');
  const count = (document.querySelector('[data-result-count]') || {}).textContent;
  return `${count}|${ids}|${counts}`;
}

// settle waits until no request is in flight and the results and counts
// have not changed for 500ms.
async function settle(page, timeout = 120000) {
  const end = Date.now() + timeout;
  let last = null;
  let since = 0;
  while (Date.now() < end) {
    const sig = await page.evaluate(signature);
    if (sig === last && pending.get(page) === 0) {
      if (Date.now() - since >= 500) return;
    } else {
      since = Date.now();
    }
    last = sig;
    await page.waitForTimeout(100);
  }
  throw new Error(`${page.url()}: the search page did not settle in ${timeout}ms`);
}

// kind sorts a fetched URL into the parts of a search.
function kind(u) {
  const p = new URL(u).pathname;
  if (p.startsWith('/search/t/')) return 'shards';
  if (p.startsWith('/search/d/')) return 'fragments';
  if (p === '/search/facets.bin') return 'facets';
  if (p === '/search/meta.json') return 'meta';
  if (p.startsWith('/pagefind/')) {
    if (p.endsWith('.js')) return 'pagefind-js';
    if (p.includes('/wasm.')) return 'pagefind-wasm';
    if (p.includes('/index/')) return 'pagefind-index';
    if (p.includes('/fragment/')) return 'pagefind-fragments';
    if (p.includes('/filter/')) return 'pagefind-filters';
    return 'pagefind-meta';
  }
  if (/\.(css|js)$/.test(p)) return 'page-assets';
  if (p.endsWith('/') || p.endsWith('.html')) return 'page-html';
  return 'page-other';
}

// bytes sums the requests of the page that ended by `until` (ms since
// the epoch; Infinity for all), by kind.
async function bytes(page, until = Infinity) {
  const log = fetched.get(page);
  await Promise.all(log.map(e => e.ready));
  const out = { requests: 0, raw: 0, gzip: 0, transfer: 0, kinds: {} };
  for (const e of log) {
    if (e.end > until + 1) continue;
    const k = kind(e.url);
    const o = out.kinds[k] = out.kinds[k] || { requests: 0, raw: 0, gzip: 0, transfer: 0 };
    for (const t of [out, o]) {
      t.requests++;
      t.raw += e.raw;
      t.gzip += e.gzip;
      t.transfer += e.gzip + e.headers;
    }
  }
  return out;
}

// lastChange is when the result list last changed, in ms since the epoch.
const lastChange = page => page.evaluate(() => performance.timeOrigin + window.__bench.mutation);

async function readState(page) {
  return page.evaluate(() => {
    const form = document.getElementById('search');
    const counts = {};
    const checked = [];
    form.querySelectorAll('input[type=checkbox]').forEach(b => {
      const c = b.closest('label') && b.closest('label').querySelector('[data-count]');
      (counts[b.name] = counts[b.name] || {})[b.value] = c ? c.textContent : null;
      if (b.checked) checked.push([b.name, b.value]);
    });
    return {
      url: location.pathname + location.search,
      q: form.querySelector('input[name=q]').value,
      sort: form.querySelector('select[name=sort]').value,
      checked,
      count: document.querySelector('[data-result-count]').textContent,
      ids: Array.from(document.querySelectorAll('[data-pledge-id]'), e => e.getAttribute('data-pledge-id')),
      complete: false,
      counts,
      status: document.getElementById('search-status').textContent,
    };
  });
}

const median = xs => { const s = [...xs].sort((a, b) => a - b); return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : 0; };

try {
  // Bytes to the first results of each word.
  for (const word of plan.words) {
    const r = report.open[word] = {};
    {
      const { context, page } = await newPage();
      const t0 = Date.now();
      await page.goto(searchURL(''), { waitUntil: 'load' });
      await settle(page);
      r.openMs = Date.now() - t0;
      r.opened = await bytes(page);
      await page.locator('#q').focus();
      await page.keyboard.type(word, { delay: plan.typeDelay });
      await settle(page);
      r.typed = await bytes(page, await lastChange(page));
      r.typedAll = await bytes(page);
      r.typedCount = await page.evaluate(() => document.querySelector('[data-result-count]').textContent);
      await context.close();
    }
    {
      const { context, page } = await newPage();
      await page.goto(searchURL('?q=' + encodeURIComponent(word)), { waitUntil: 'load' });
      await settle(page);
      r.url = await bytes(page, await lastChange(page));
      r.urlAll = await bytes(page);
      r.urlFirstResultsMs = await page.evaluate(() => window.__bench.mutation);
      r.urlCount = await page.evaluate(() => document.querySelector('[data-result-count]').textContent);
      await context.close();
    }
  }

  // Time from the last keystroke to the results, over the latency words.
  {
    const { context, page } = await newPage();
    await page.goto(searchURL(''), { waitUntil: 'load' });
    await settle(page);
    for (const word of plan.latencyWords) {
      await page.locator('#q').focus();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Delete');
      await settle(page);
      await page.evaluate(() => { window.__bench.keydown = 0; window.__bench.mutation = 0; });
      await page.keyboard.type(word, { delay: plan.typeDelay });
      await settle(page);
      const b = await page.evaluate(() => ({ ...window.__bench, count: document.querySelector('[data-result-count]').textContent }));
      report.latency.push({ word, ms: b.mutation - b.keydown, count: b.count, changed: b.mutation > b.keydown });
    }
    await context.close();
  }

  // Facet counts, for the Go side to check.
  {
    const { context, page } = await newPage();
    for (const qs of plan.facets) {
      await page.goto(searchURL(qs), { waitUntil: 'load' });
      await settle(page);
      report.facets[qs] = await readState(page);
    }
    await context.close();
  }

  // Pagefind's JS API in a blank page on the same server.
  if (plan.pagefind) {
    const pf = report.pagefind;
    for (const word of plan.words) {
      const { context, page } = await newPage();
      await page.goto(new URL(plan.pagefind, base).href, { waitUntil: 'load' });
      const res = await page.evaluate(async word => {
        const t0 = performance.now();
        const pagefind = await import('/pagefind/pagefind.js');
        await pagefind.init();
        const t1 = performance.now();
        const search = await pagefind.search(word);
        const data = await Promise.all(search.results.slice(0, 10).map(r => r.data()));
        const t2 = performance.now();
        return { count: search.results.length, first: data.map(d => d.url), initMs: t1 - t0, searchMs: t2 - t1, end: performance.now() };
      }, word);
      res.bytes = await bytes(page);
      pf[word] = res;
      await context.close();
    }
    // Latency: search and the first 10 results' data, one page, warm.
    const { context, page } = await newPage();
    await page.goto(new URL(plan.pagefind, base).href, { waitUntil: 'load' });
    await page.evaluate(async () => { window.pagefind = await import('/pagefind/pagefind.js'); await window.pagefind.init(); });
    pf.latency = [];
    for (const word of plan.latencyWords) {
      pf.latency.push(await page.evaluate(async word => {
        const t0 = performance.now();
        const search = await window.pagefind.search(word);
        await Promise.all(search.results.slice(0, 10).map(r => r.data()));
        return { word, ms: performance.now() - t0, count: search.results.length };
      }, word));
    }
    pf.latencyMedian = median(pf.latency.map(l => l.ms));
    await context.close();
  }
} finally {
  await browser.close();
}
report.latencyMedian = median(report.latency.map(l => l.ms));
process.stdout.write(JSON.stringify(report) + '\n');
