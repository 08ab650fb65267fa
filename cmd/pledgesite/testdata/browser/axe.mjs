// Runs axe-core in Debian's headless Chromium on each page named on the
// command line and prints one JSON object: {"<path>": [violations...]}.
// Also reports pages that scroll sideways on a phone-sized screen, and on
// the narrowest one with a reader's own text spacing.
//
// Usage: node axe.mjs BASE_URL PATH...
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { launchChromium } from './chromium.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [base, ...paths] = process.argv.slice(2);
const browser = await launchChromium();
const results = {};
try {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 740 }]) {
    // bypassCSP lets axe be injected; the pages themselves allow no inline script.
    const context = await browser.newContext({ viewport, bypassCSP: true });
    const page = await context.newPage();
    for (const path of paths) {
      const key = `${path} @${viewport.width}px`;
      const resp = await page.goto(new URL(path, base).href, { waitUntil: 'load' });
      const problems = [];
      if (!resp || resp.status() !== 200) problems.push({ id: 'http-status', help: `status ${resp && resp.status()}`, nodes: [] });
      await page.addScriptTag({ content: axeSource });
      const res = await page.evaluate(async () => await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      }));
      for (const v of res.violations) {
        problems.push({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')) });
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 1) problems.push({ id: 'horizontal-scroll', help: `page is ${overflow}px wider than the screen`, nodes: [] });
      results[key] = problems;
    }
    await context.close();
  }
  // A reader's own text spacing (WCAG 1.4.12) on the narrowest screen
  // reflow asks for (1.4.10): nothing may push the page sideways.
  const context = await browser.newContext({ viewport: { width: 320, height: 640 }, bypassCSP: true });
  const page = await context.newPage();
  for (const path of paths) {
    await page.goto(new URL(path, base).href, { waitUntil: 'load' });
    await page.addStyleTag({ content: '* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }' });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    results[`${path} @320px with text spacing`] = overflow > 1 ? [{ id: 'horizontal-scroll', help: `page is ${overflow}px wider than the screen`, nodes: [] }] : [];
  }
  await context.close();
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results, null, 1) + '\n');
