// Drives a pledge page of `pledgesite serve` in Debian's headless Chromium
// while editing the sources on disk, and prints what the page did as one
// JSON object. The script never reloads or navigates the page after opening
// it: every change must reach the page through the server's live reload
// (/_pledgesite/live.js and its event stream).
//
// Usage:
//
//	node serve.mjs PAGE_URL YAML_PATH
//	    Opens the pledge page PAGE_URL, whose record is the file YAML_PATH
//	    (under <source>/pledges/), then in turn:
//	    title  changes the record's title and waits for the page to show it;
//	    broken breaks the record (a status value outside the vocabulary) and
//	           waits for the error overlay;
//	    tab    breaks it further (a tab indenting entity.name, which YAML
//	           forbids) and waits for the overlay to show the new problem;
//	    fixed  mends both (status: fulfilled) and waits for the page to come
//	           back without the overlay, showing the new status;
//	    css    changes $ink in <source>/themes/default/assets/scss/_tokens.scss
//	           and waits for the body's colour to change, which must happen
//	           by swapping the stylesheet, not by reloading the page.
//	    The files are left as the last step wrote them.
//
//	node serve.mjs --open PAGE_URL
//	    Opens PAGE_URL and reports whether the error overlay shows, and how
//	    long after the page's load event it appeared.
//
// Every step records whether the page was reloaded, two ways: the number of
// load events Playwright saw, and whether a property set on window before
// the edit survived it.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { launchChromium } from './chromium.mjs';


const STEP_TIMEOUT = 20000;
const NEW_TITLE = 'Free legal aid for refugee survivors, edited while serving';
const NEW_INK = '#7a1f5c';
const NEW_INK_RGB = 'rgb(122, 31, 92)';

const args = process.argv.slice(2);
const openOnly = args[0] === '--open';
if (openOnly) args.shift();
const [pageURL, yamlPath] = args;
if (!pageURL || (!openOnly && !yamlPath)) {
  process.stderr.write('usage: node serve.mjs PAGE_URL YAML_PATH\n       node serve.mjs --open PAGE_URL\n');
  process.exit(2);
}

const browser = await launchChromium();

const report = { errors: [], csp: [] };
let loads = 0;      // load events of the main frame
let streams = 0;    // responses to /_pledgesite/events
const sleep = ms => new Promise(r => setTimeout(r, ms));

// until reads the page's view (read only) until cond holds for it, and
// returns that view, or null on timeout; a read that fails because the page
// is reloading is retried.
async function until(page, cond, timeout = STEP_TIMEOUT) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    try {
      const v = await page.evaluate(view);
      if (cond(v)) return v;
    } catch {
      // the page is between two documents
    }
    await sleep(25);
  }
  return null;
}

// connected waits until the page's event stream has answered since the
// last load, so that an edit cannot slip in before the page listens.
async function connected(page) {
  const deadline = Date.now() + STEP_TIMEOUT;
  while (streams < loads && Date.now() < deadline) await sleep(10);
  // The response event comes with the headers; give live.js a moment to
  // register its listeners on the open stream.
  await sleep(50);
  return streams >= loads;
}

// view reads what a person sees: the heading, the status badge, the body's
// colour, the stylesheet in use and the error overlay.
function view() {
  const overlay = document.getElementById('pledgesite-errors');
  const link = [...document.querySelectorAll('link[rel="stylesheet"]')].find(l => new URL(l.href).pathname.includes('/css/'));
  const badge = document.querySelector('.pledge__status .badge');
  return {
    h1: document.querySelector('h1')?.textContent.trim() ?? null,
    status: badge ? badge.textContent.trim() : null,
    color: getComputedStyle(document.body).color,
    stylesheet: link ? new URL(link.href).pathname : null,
    overlay: overlay ? {
      visible: overlay.getBoundingClientRect().height > 0 && getComputedStyle(overlay).display !== 'none',
      heading: overlay.querySelector('h2')?.textContent ?? '',
      text: overlay.querySelector('pre')?.textContent ?? '',
    } : null,
    marker: window.__pledgesiteMarker ?? null,
  };
}

// edit replaces from by to in file, or each [from, to] pair of from, and
// writes the file once.
function edit(file, from, to) {
  const pairs = Array.isArray(from) ? from : [[from, to]];
  let text = readFileSync(file, 'utf8');
  for (const [f, t] of pairs) {
    const next = text.replace(f, t);
    if (next === text) throw new Error(`${file}: ${f} not found`);
    text = next;
  }
  writeFileSync(file, text);
}

// step sets a marker on window, makes the edit and waits until cond holds
// for the page's view; it reports the view, the time taken and whether the
// page was reloaded.
async function step(page, name, change, cond) {
  await connected(page);
  const marker = `${name}-${Date.now()}`;
  await page.evaluate(m => { window.__pledgesiteMarker = m; }, marker);
  const before = loads;
  const t0 = Date.now();
  change();
  const seen = await until(page, cond);
  const ms = Date.now() - t0;
  // Let a stray second reload or event show itself before reading.
  await sleep(300);
  const after = await until(page, () => true, 5000);
  report[name] = {
    ok: seen !== null,
    ms,
    loads: loads - before,
    markerSurvived: after?.marker === marker,
    view: after,
  };
}

async function watch(context) {
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', e => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
}

function listen(page) {
  page.on('load', () => { loads++; });
  page.on('response', r => { if (new URL(r.url()).pathname === '/_pledgesite/events') streams++; });
  page.on('pageerror', e => report.errors.push(`${page.url()}: ${e.message}`));
  page.on('console', m => {
    const t = m.text();
    if (/Content.Security.Policy|CSP violation/i.test(t)) report.csp.push(t);
    else if (m.type() === 'error') report.errors.push(`${page.url()}: console: ${t}`);
  });
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await watch(context);
  const page = await context.newPage();
  listen(page);

  if (openOnly) {
    const resp = await page.goto(pageURL, { waitUntil: 'load' });
    const loaded = Date.now();
    report.httpStatus = resp ? resp.status() : 0;
    const seen = await until(page, v => v.overlay && v.overlay.text, 10000);
    report.open = { ok: seen !== null, ms: Date.now() - loaded, view: seen ?? await until(page, () => true, 2000) };
  } else {
    const root = dirname(dirname(yamlPath));
    const tokens = join(root, 'themes', 'default', 'assets', 'scss', '_tokens.scss');
    const resp = await page.goto(pageURL, { waitUntil: 'load' });
    report.httpStatus = resp ? resp.status() : 0;
    report.initial = await page.evaluate(view);

    await step(page, 'title', () => edit(yamlPath, /^title: .*$/m, `title: ${NEW_TITLE}`),
      v => v.h1 === NEW_TITLE);
    report.title.wrote = NEW_TITLE;

    let status = null;
    await step(page, 'broken', () => edit(yamlPath, /^status: (\S+)$/m, (_, s) => { status = s; return `status: ${s}-typo`; }),
      v => v.overlay && v.overlay.visible && v.overlay.text);
    report.broken.wrote = `status: ${status}-typo`;

    // A tab in the indentation makes the file unreadable YAML: the overlay
    // must change in place to say so.
    await step(page, 'tab', () => edit(yamlPath, /^  name: /m, '\tname: '),
      v => v.overlay && v.overlay.visible && v.overlay.text !== report.broken.view?.overlay?.text);

    // Both mended in one write, so that one rebuild sees them.
    await step(page, 'fixed', () => edit(yamlPath, [[/^\tname: /m, '  name: '], [/^status: \S+-typo$/m, 'status: fulfilled']]),
      v => !v.overlay && v.status === 'Fulfilled');

    await step(page, 'css', () => edit(tokens, /^\$ink: #[0-9a-f]+;/m, `$ink: ${NEW_INK};`),
      v => v.color === NEW_INK_RGB);
    report.css.before = report.fixed.view ? { color: report.fixed.view.color, stylesheet: report.fixed.view.stylesheet } : null;
    report.css.wrote = `$ink: ${NEW_INK};`;
  }
  report.loads = loads;
  report.streams = streams;
  await context.close();
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report, null, 1) + '\n');
