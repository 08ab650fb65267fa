// Drives the search page (/search/) in Debian's headless Chromium and
// prints, as one JSON object, what the page shows, for search_test.go to
// check against what it computes from the records:
//
//   cases     for each query string in the plan file, the page opened at
//             /search/?<query>: the form's state, the result count, every
//             result id in order ("Show more" clicked until all are shown)
//             and every facet value's count
//   history   a URL round trip: open a URL, tick facets, go back and
//             forward, type a new query and go back; a snapshot after each
//   reload    a query typed with a trailing space, then the page reloaded
//   keyboard  type a query, Tab to a facet checkbox, press Space: where the
//             focus went, the checkbox's state, the live region's text
//   nojs      with JavaScript off: whether the notice shows, its text and
//             links, and the HTTP status of each link
//   axe       axe-core violations with results and with a facet ticked, at
//             1280px and 375px, and horizontal overflow at each width
//   errors    script errors, console errors and CSP violations
//
// Usage: node search.mjs BASE_URL PLAN.json
// PLAN.json: {"cases": ["?q=...", ...], "history": "?q=...", "toggle":
// [[field, value], [field, value]], "retype": "...", "reload": "...",
// "keyboard": "...", "nojs": true, "axe": "?q=...", "axeFacet": [field,
// value]}; a part whose key is missing is skipped.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { launchChromium } from './chromium.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [base, planFile] = process.argv.slice(2);
if (!base || !planFile) {
  process.stderr.write('usage: node search.mjs BASE_URL PLAN.json\n');
  process.exit(2);
}
const plan = JSON.parse(readFileSync(planFile, 'utf8'));
const searchURL = qs => new URL('search/' + (qs || ''), base).href;
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

const browser = await launchChromium();

const report = { cases: {}, history: [], reload: [], keyboard: {}, nojs: {}, phone: {}, broken: {}, axe: {}, axeResults: {}, overflow: {}, errors: [], csp: [] };

// In-flight requests per page, so settle can wait for the index fetches.
const pending = new WeakMap();

async function newContext(opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...opts });
  if (opts.javaScriptEnabled !== false) {
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', e => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
      });
    });
  }
  context.on('page', page => watch(page));
  return context;
}

function watch(page) {
  pending.set(page, 0);
  page.on('request', () => pending.set(page, pending.get(page) + 1));
  const done = () => pending.set(page, pending.get(page) - 1);
  page.on('requestfinished', done);
  page.on('requestfailed', r => { done(); report.errors.push(`${page.url()}: request failed: ${r.url()} ${r.failure() && r.failure().errorText}`); });
  page.on('response', r => { if (r.status() >= 400) report.errors.push(`${page.url()}: HTTP ${r.status()} for ${r.url()}`); });
  page.on('pageerror', e => report.errors.push(`${page.url()}: ${e.message}`));
  page.on('console', m => {
    const t = m.text();
    if (/Content.Security.Policy|CSP violation/i.test(t)) report.csp.push(t);
    else if (m.type() === 'error' || m.type() === 'warning') report.errors.push(`${page.url()}: console ${m.type()}: ${t}`);
  });
}

// signature is what changes while a search is under way: the results, the
// count and the facet counts.
function signature() {
  const ids = Array.from(document.querySelectorAll('[data-pledge-id]'), e => e.getAttribute('data-pledge-id')).join(',');
  const counts = Array.from(document.querySelectorAll('[data-count]'), e => e.textContent).join(',');
  const count = (document.querySelector('[data-result-count]') || {}).textContent;
  return `${count}|${ids}|${counts}|${document.documentElement.className}`;
}

// settle waits until no request is in flight and the results and counts
// have not changed for 400ms.
async function settle(page, timeout = 20000) {
  const end = Date.now() + timeout;
  let last = null;
  let same = 0;
  while (Date.now() < end) {
    const sig = await page.evaluate(signature);
    if (sig === last && pending.get(page) === 0) {
      if (++same >= 4) return;
    } else {
      same = 0;
    }
    last = sig;
    await page.waitForTimeout(100);
  }
  throw new Error(`${page.url()}: the search page did not settle in ${timeout}ms`);
}

// expand clicks "Show more results" until every result is listed.
async function expand(page) {
  for (let i = 0; i < 1000; i++) {
    if (!(await page.locator('#more').isVisible())) return;
    const n = await page.locator('[data-pledge-id]').count();
    await page.click('#more');
    await page.waitForFunction(n => document.querySelectorAll('[data-pledge-id]').length > n, n, { timeout: 10000 });
    await settle(page);
  }
}

// snapshot reads the page's state: URL, form, results and facet counts.
async function snapshot(page, { all = true } = {}) {
  await settle(page);
  if (all) await expand(page);
  return page.evaluate(all => {
    const form = document.getElementById('search');
    const input = form.querySelector('input[type=search][name=q]');
    const sort = form.querySelector('select[name=sort]');
    const counts = {};
    const checked = [];
    form.querySelectorAll('input[type=checkbox]').forEach(b => {
      const c = b.closest('label') && b.closest('label').querySelector('[data-count]');
      (counts[b.name] = counts[b.name] || {})[b.value] = c ? c.textContent : null;
      if (b.checked) checked.push([b.name, b.value]);
    });
    const more = document.getElementById('more');
    return {
      url: location.pathname + location.search,
      q: input ? input.value : null,
      sort: sort ? sort.value : null,
      checked,
      count: (document.querySelector('[data-result-count]') || {}).textContent,
      ids: Array.from(document.querySelectorAll('[data-pledge-id]'), e => e.getAttribute('data-pledge-id')),
      complete: all && (!more || more.hidden),
      counts,
      status: (document.getElementById('search-status') || {}).textContent,
    };
  }, all);
}

async function open(page, qs) {
  await page.goto(searchURL(qs), { waitUntil: 'load' });
  await settle(page);
}

async function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return 'body';
    return `${e.tagName.toLowerCase()}${e.type ? '[type=' + e.type + ']' : ''}${e.name ? '[name=' + e.name + ']' : ''}${e.type === 'checkbox' ? '[value=' + e.value + ']' : ''}${e.id ? '#' + e.id : ''}`;
  });
}

const box = (field, value) => `#search input[type=checkbox][name="${field}"][value="${value}"]`;

try {
  // Known answers: one page load per case.
  {
    const context = await newContext();
    const page = await context.newPage();
    for (const qs of plan.cases || []) {
      await open(page, qs);
      report.cases[qs] = await snapshot(page);
    }
    await context.close();
  }

  // URL round trip and history.
  if (plan.history) {
    const context = await newContext();
    const page = await context.newPage();
    const step = async name => report.history.push({ step: name, ...(await snapshot(page)) });
    await open(page, plan.history);
    await step('open');
    for (const [field, value] of plan.toggle) {
      await page.locator(box(field, value)).click();
      await step(`tick ${field}=${value}`);
    }
    await page.goBack();
    await step('back');
    await page.goBack();
    await step('back again');
    await page.goForward();
    await step('forward');
    // A new query typed by keyboard becomes one history entry.
    await page.locator('#q').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(plan.retype, { delay: 30 });
    await page.waitForTimeout(1200); // typing pauses: the entry is done
    await step(`type ${plan.retype}`);
    await page.goBack();
    await step('back after typing');
    await context.close();
  }

  // A query typed to the end (a trailing space: whole words only) shows
  // the same results once the page is reloaded from its URL.
  if (plan.reload) {
    const context = await newContext();
    const page = await context.newPage();
    await open(page, '');
    await page.locator('#q').focus();
    await page.keyboard.type(plan.reload, { delay: 30 });
    await page.waitForTimeout(1200);
    report.reload.push({ step: 'typed', ...(await snapshot(page)) });
    await page.reload({ waitUntil: 'load' });
    report.reload.push({ step: 'reloaded', ...(await snapshot(page)) });
    await context.close();
  }

  // Keyboard: type, Tab to a facet, Space.
  if (plan.keyboard) {
    const context = await newContext();
    const page = await context.newPage();
    await open(page, '');
    await page.locator('#q').focus();
    await page.keyboard.type(plan.keyboard, { delay: 40 });
    await settle(page);
    const path = [];
    let target = '';
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      path.push(f);
      if (f.startsWith('input[type=checkbox]')) { target = f; break; }
    }
    const kb = report.keyboard;
    kb.tabPath = path;
    kb.target = target;
    kb.before = await page.evaluate(() => document.activeElement && document.activeElement.checked);
    await page.keyboard.press('Space');
    kb.after = await snapshot(page, { all: false });
    kb.focusAfter = await focused(page);
    kb.checkedAfter = await page.evaluate(() => document.activeElement && document.activeElement.checked === true);
    // The live region speaks once typing and ticking pause (after 700ms).
    try {
      await page.waitForFunction(() => {
        const n = document.querySelector('[data-result-count]').textContent;
        const s = document.getElementById('search-status').textContent;
        return s.indexOf(n + ' ') === 0 || (n === '1' && s === '1 pledge found');
      }, null, { timeout: 4000 });
    } catch (e) { /* reported through status */ }
    kb.status = await page.evaluate(() => document.getElementById('search-status').textContent);
    kb.statusRole = await page.evaluate(() => {
      const s = document.getElementById('search-status');
      return s ? (s.getAttribute('role') || '') + '|' + (s.getAttribute('aria-live') || '') : 'missing';
    });
    kb.focusEnd = await focused(page);
    await context.close();
  }

  // JavaScript off: the notice and its links.
  if (plan.nojs) {
    const context = await newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const resp = await page.goto(searchURL(''), { waitUntil: 'load' });
    const nojs = report.nojs;
    nojs.status = resp ? resp.status() : 0;
    nojs.noticeVisible = await page.locator('.search-nojs').isVisible();
    nojs.formVisible = await page.locator('#search').isVisible();
    nojs.text = (await page.locator('.search-nojs').innerText()).replace(/\s+/g, ' ').trim();
    nojs.links = await page.locator('.search-nojs a').evaluateAll(as => as.map(a => ({ text: a.textContent.replace(/\s+/g, ' ').trim(), href: a.getAttribute('href'), url: a.href })));
    for (const l of nojs.links) {
      const r = await context.request.get(l.url);
      l.status = r.status();
    }
    await context.close();
  }

  // A phone: the filters fold away above the results, and open on a tap;
  // beside the results (1280px) they are open.
  if (plan.axe) {
    for (const width of [375, 1280]) {
      const context = await newContext({ viewport: { width, height: 740 } });
      const page = await context.newPage();
      await open(page, plan.axe);
      report.phone[width] = await page.evaluate(() => ({
        open: document.querySelector('[data-filters]').open,
        resultsTop: Math.round(document.querySelector('.results').getBoundingClientRect().top + window.scrollY),
      }));
      if (width === 375) {
        await page.locator('[data-filters] > summary').click();
        report.phone.openedByTap = await page.evaluate(() => document.querySelector('[data-filters]').open);
      }
      await context.close();
    }
  }

  // The index cannot be fetched: the page says so and offers the links it
  // shows without JavaScript, rather than a form with no results.
  if (plan.axe) {
    const errorsBefore = report.errors.length; // the failure is the point
    const context = await newContext();
    const page = await context.newPage();
    await page.route(/\/search\/meta\.json/, r => r.abort());
    await page.goto(searchURL(plan.axe), { waitUntil: 'load' });
    await page.waitForFunction(() => !document.documentElement.classList.contains('js'), null, { timeout: 10000 }).catch(() => {});
    report.broken.noticeVisible = await page.locator('.search-nojs').isVisible();
    report.broken.formVisible = await page.locator('#search').isVisible();
    report.broken.text = (await page.locator('.search-nojs').innerText()).replace(/\s+/g, ' ').trim();
    await context.close();
    report.errors.length = errorsBefore;
  }

  // axe-core with results and with a facet ticked, at two widths.
  for (const viewport of plan.axe ? [{ width: 1280, height: 900 }, { width: 375, height: 740 }] : []) {
    // bypassCSP lets axe be injected; the page itself allows no inline script.
    const context = await newContext({ viewport, bypassCSP: true });
    const page = await context.newPage();
    const check = async name => {
      const key = `${name} @${viewport.width}px`;
      await page.addScriptTag({ content: axeSource });
      const res = await page.evaluate(async tags => await window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), AXE_TAGS);
      report.axe[key] = res.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }));
      report.overflow[key] = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      report.axeResults[key] = await page.locator('[data-pledge-id]').count();
    };
    await open(page, plan.axe);
    await check('results');
    // On a phone the filters are folded: open them as a reader would.
    if (!(await page.evaluate(() => document.querySelector('[data-filters]').open))) {
      await page.locator('[data-filters] > summary').click();
    }
    await page.locator(box(...plan.axeFacet)).click();
    await settle(page);
    await check('facet');
    await context.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report, null, 1) + '\n');
