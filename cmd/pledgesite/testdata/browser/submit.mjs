// Drives the "Submit a pledge" form (/submit/) in Debian's headless
// Chromium the way a person would: finding fields by their labels, typing,
// ticking boxes and using the keyboard. It fills in one valid pledge and
// several invalid ones and prints, as one JSON object, what the page says
// for each: the error shown at each field, the error summary, the YAML
// record, and whether the link to the repository's editor is enabled. It
// also reports axe-core violations before and after errors are shown, at
// desktop and phone widths, horizontal scrolling at 375px, and any
// Content-Security-Policy violation or script error.
//
// Usage: node submit.mjs BASE_URL
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { launchChromium } from './chromium.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const base = process.argv[2];
if (!base) {
  process.stderr.write('usage: node submit.mjs BASE_URL\n');
  process.exit(2);
}
const url = new URL('submit/', base).href;
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

const browser = await launchChromium();

const report = { cases: {}, focus: {}, copy: {}, nojs: {}, axe: {}, overflow: {}, csp: [], errors: [] };

// watch records script errors and Content-Security-Policy violations.
async function watch(context) {
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', e => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  context.on('page', page => {
    page.on('pageerror', e => report.errors.push(`${page.url()}: ${e.message}`));
    page.on('console', m => {
      const t = m.text();
      if (/Content.Security.Policy|CSP violation/i.test(t)) report.csp.push(t);
      else if (m.type() === 'error' || m.type() === 'warning') report.errors.push(`${page.url()}: console ${m.type()}: ${t}`);
    });
  });
}

async function open(page) {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('#pledge-form[data-state]', { timeout: 15000 });
  return page.getAttribute('#pledge-form', 'data-state');
}

const label = (page, re) => page.getByLabel(re);

// enter types into the field labelled re and leaves it with Tab, as a
// keyboard user does; leaving a field checks it at once.
async function enter(page, re, text) {
  const field = label(page, re);
  await field.fill(text);
  await field.press('Tab');
}

// fill describes a complete, valid joint pledge with financial support.
// skip leaves out the named parts, so the invalid cases can start from it.
async function fill(page, skip = {}) {
  await enter(page, /^Title/, 'Safe referral desks for trafficking survivors at Mombasa port');
  await enter(page, /^Summary/, 'A national NGO commits to run two referral desks at Mombasa port that identify survivors of trafficking and refer them to asylum and protection services.');
  await enter(page, /^Description/, 'The desks will:\n\n- screen new arrivals with trained staff;\n- refer survivors to asylum, shelter and legal aid: within 48 hours.\n\nProgress is reported #yearly, with "quoted" words.');
  await enter(page, /^Organisation name/, 'Coastal Refuge Kenya: Legal Aid');
  await label(page, /^Type of stakeholder/).selectOption({ label: 'National NGO' });
  await label(page, /^Country of the organisation/).selectOption({ label: 'Kenya' });

  // Joint pledge: choosing it shows the partners, with one empty row.
  await page.getByRole('radio', { name: 'Joint' }).check();
  await enter(page, /^Partner name/, 'Mombasa County Department of Social Services');
  await label(page, /^Partner type/).selectOption({ label: 'Local authority' });
  await label(page, /^Partner country/).selectOption({ label: 'Kenya' });

  await label(page, /^Forum/).selectOption({ label: 'Global Refugee Forum 2027' });
  if (!skip.date) await enter(page, /^Date of the pledge/, '2026-06-15');
  await page.getByRole('radio', { name: 'Planning' }).check();
  await enter(page, /^Countries where/, 'Kenya, uga');

  if (!skip.support) {
    const support = page.getByRole('group', { name: /^Types of support/ });
    // By keyboard: focus the box and press the space bar.
    await support.getByLabel('Technical').focus();
    await page.keyboard.press('Space');
    await support.getByLabel('Financial').check();
    if (!skip.amount) await enter(page, /^Amount/, '250,000');
    await label(page, /^Currency/).selectOption('USD');
  }
  const groups = page.getByRole('group', { name: /^Who the pledge is for/ });
  await groups.getByLabel('Refugees').check();
  await groups.getByLabel('Survivors of trafficking').check();
  await page.getByRole('group', { name: /^Contributes to/ }).getByRole('checkbox').first().check();
  await page.getByRole('checkbox', { name: /^b2 / }).check();
  await page.getByRole('group', { name: /^Objectives of the Global Compact on Refugees/ }).getByLabel(/^1\. /).check();
  await enter(page, /^Targets of the Sustainable Development Goals/, '16.2, 8.7');
  await page.getByRole('group', { name: /^Objectives of the Global Compact for Migration/ }).getByLabel(/^10\. /).check();
  await page.getByRole('group', { name: /^Key recommendations/ }).getByLabel(/^2\. /).check();

  await enter(page, /^Link title/, 'Project page');
  await enter(page, /^Web address/, 'https://example.org/coastal-refuge/referral-desks');
  await enter(page, /^Contact name/, 'Pledge coordinator');
  await enter(page, /^Contact email/, 'pledges@coastal-refuge.example.org');
}

// check presses the form's button and reads what the page then says.
async function check(page) {
  await page.getByRole('button', { name: 'Check the record' }).click();
  return read(page);
}

async function read(page) {
  return page.evaluate(() => {
    const errors = {};
    for (const el of document.querySelectorAll('.field-error')) {
      const t = el.textContent.replace(/^Error: /, '').trim();
      if (t && el.id) errors[el.id.replace(/-error$/, '')] = t;
    }
    const box = document.querySelector('#error-summary .error-summary');
    const active = document.activeElement;
    const open = document.getElementById('open-record');
    const invalid = [...document.querySelectorAll('[aria-invalid="true"]')].map(el => el.id);
    return {
      errors,
      invalid,
      summary: box ? {
        title: box.querySelector('h2').textContent,
        items: [...box.querySelectorAll('li')].map(li => {
          const a = li.querySelector('a');
          return { text: li.textContent.trim(), href: a ? a.getAttribute('href') : '' };
        }),
        role: box.parentElement.getAttribute('role'),
        focused: box === active || box.contains(active),
      } : null,
      focused: active ? (active.id || active.tagName.toLowerCase()) : '',
      state: document.getElementById('record-state').textContent,
      file: document.getElementById('record-filename').textContent,
      yaml: document.getElementById('record-yaml').textContent,
      open: {
        enabled: !open.hidden && open.hasAttribute('href') && document.getElementById('open-record-disabled').hidden,
        href: open.getAttribute('href') || '',
        help: document.getElementById('open-record-help').textContent,
      },
    };
  });
}

async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  const res = await page.evaluate(async tags => await window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), AXE_TAGS);
  return res.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }));
}

// showEverything reveals the conditional sections and all the errors.
async function showEverything(page) {
  await page.getByRole('radio', { name: 'Joint' }).check();
  await page.getByRole('group', { name: /^Types of support/ }).getByLabel('Financial').check();
  await enter(page, /^Date of the pledge/, '31/12/2024');
  await page.getByRole('button', { name: 'Check the record' }).click();
  await page.waitForSelector('#error-summary .error-summary');
}

try {
  // Filling in, with the page's Content-Security-Policy enforced.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
  await watch(context);
  const page = await context.newPage();

  report.state = await open(page);
  report.noticeHidden = await page.locator('#submit-js-notice').isHidden();

  // The valid pledge.
  await fill(page);
  report.suggestedID = await label(page, /^Record id/).inputValue();
  // Keyboard: add a second link with Enter, then remove it with Enter;
  // focus must land on the new row, then back on the row before it.
  await page.getByRole('button', { name: 'Add a link' }).focus();
  await page.keyboard.press('Enter');
  report.focus.afterAdd = await page.evaluate(() => document.activeElement.id);
  await page.getByRole('button', { name: 'Remove link 2' }).focus();
  await page.keyboard.press('Enter');
  report.focus.afterRemove = await page.evaluate(() => document.activeElement.id);
  report.cases.valid = await check(page);

  // Copy record: the clipboard holds the YAML, and the page says so.
  await page.getByRole('button', { name: 'Copy record' }).click();
  // The status first clears, then says "Copied"; an earlier announcement
  // may still be there when the button is pressed.
  await page.waitForFunction(() => document.getElementById('record-status').textContent === 'Copied', null, { timeout: 5000 }).catch(() => {});
  report.copy.status = await page.textContent('#record-status');
  report.copy.clipboard = await page.evaluate(() => navigator.clipboard.readText()).catch(e => `(cannot read: ${e.message})`);

  // Typing a wrong date after the record was valid: the error appears by
  // itself (debounced), without pressing the button.
  await label(page, /^Date of the pledge/).fill('2026-02-30');
  await page.waitForSelector('#f-date-error:not(:empty)', { timeout: 5000 }).catch(() => {});
  report.cases.typing = await read(page);

  // Invalid: no support chosen.
  await open(page);
  await fill(page, { support: true });
  report.cases['no-support'] = await check(page);

  // Invalid: financial support without an amount.
  await open(page);
  await fill(page, { amount: true });
  report.cases['financial-without-amount'] = await check(page);

  // Invalid: a bad id and a date written the wrong way.
  await open(page);
  await fill(page, { date: true });
  await enter(page, /^Record id/, 'Bad_ID');
  await enter(page, /^Date of the pledge/, '31/12/2024');
  report.cases['bad-id-and-date'] = await check(page);

  // Invalid: a date in the future, which the schema allows and check
  // refuses: the form's own rule.
  await open(page);
  await fill(page, { date: true });
  await enter(page, /^Date of the pledge/, '2099-01-01');
  report.cases['future-date'] = await check(page);

  // Invalid: a web address without its scheme, an email without a domain,
  // and a matching pledge whose matched pledge does not exist.
  await open(page);
  await fill(page);
  await enter(page, /^Web address/, 'example.org/coastal-refuge');
  await enter(page, /^Contact email/, 'pledges-at-coastal');
  await page.getByRole('radio', { name: 'Matching' }).check();
  await enter(page, /^Ids of the matched pledges/, 'no-such-pledge');
  report.cases['bad-link-email-match'] = await check(page);

  // The summary's links move focus to their field.
  await page.locator('#error-summary a').first().click();
  report.focus.fromSummary = await page.evaluate(() => document.activeElement.id);
  await context.close();

  // Without JavaScript the form would only reload the page and lose what
  // was typed: only the notice shows.
  {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const p = await ctx.newPage();
    await p.goto(new URL('submit/', base).href, { waitUntil: 'load' });
    report.nojs = { formVisible: await p.locator('#pledge-form').isVisible(), noticeVisible: await p.locator('#submit-js-notice').isVisible() };
    await ctx.close();
  }

  // Accessibility, before and after errors are shown, with axe injected.
  for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 740 }]) {
    const ctx = await browser.newContext({ viewport, bypassCSP: true });
    const p = await ctx.newPage();
    await open(p);
    report.axe[`before @${viewport.width}px`] = await axe(p);
    report.overflow[`before @${viewport.width}px`] = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await showEverything(p);
    report.axe[`after @${viewport.width}px`] = await axe(p);
    report.overflow[`after @${viewport.width}px`] = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await ctx.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report, null, 1) + '\n');
