// How wide each page is at a given viewport: used by the small-screens test
// (cshub/core/tests/test_small_screens.py) and handy by hand.
//
//   node frontend/page-widths.mjs BASE_URL SESSION_COOKIE WIDTH PATH... > widths.json
//
// Prints one JSON object: {path: {status, scrollWidth, viewport, hidden: [texts of table
// cells that lie beyond the viewport's right edge], consoleErrors (CSP refusals among them),
// axe: [serious or critical axe-core violations, WCAG 2.2 AA], unlabelled: [texts of card
// cells (tables of class cshub-cards) shown without their column's name]}}. With
// SCREENSHOT_DIR set, it also saves a full-page screenshot of each page; with NO_JS=1 the
// pages are opened with JavaScript off (and axe, which needs it, is not run).
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const AXE_FILE = require.resolve('axe-core/axe.min.js');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const [base, cookie, width, ...paths] = process.argv.slice(2);
const viewport = { width: Number(width), height: 800 };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const out = {};
try {
  const noJs = process.env.NO_JS === '1';
  const context = await browser.newContext({ viewport, javaScriptEnabled: !noJs });
  const url = new URL(base);
  await context.addCookies([{ name: 'sessionid', value: cookie, domain: url.hostname, path: '/' }]);
  // The app's CSP refuses inline scripts: axe comes from a same-origin URL answered here.
  const axeUrl = `${base}/__page-widths__/axe.min.js`;
  await context.route(axeUrl, (route) => route.fulfill({ path: AXE_FILE, contentType: 'text/javascript' }));
  const page = await context.newPage();
  let errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(`Uncaught: ${err.message}`));
  for (const p of paths) {
    errors = [];
    const response = await page.goto(base + p, { waitUntil: 'networkidle' });
    const measured = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth,
      // Cells of every table (headers and data) whose right edge lies beyond the viewport.
      hidden: [...document.querySelectorAll('table th, table td')]
        .filter((c) => c.getClientRects().length && c.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((c) => c.textContent.trim().slice(0, 40)),
      // Cells of cards, shown and not empty, whose column has a visible name, yet shown with
      // no name before them (their ::before has no content): at small widths only.
      unlabelled: [...document.querySelectorAll('table.cshub-cards')].flatMap((table) => {
        const headers = [...table.querySelectorAll(':scope > thead > tr:last-child > th')].flatMap((th) => {
          const copy = th.cloneNode(true);
          for (const hidden of copy.querySelectorAll('.govuk-visually-hidden')) hidden.remove();
          const name = copy.textContent.trim();
          return Array(Number(th.getAttribute('colspan') || 1)).fill(name);
        });
        return [...table.querySelectorAll(':scope > tbody > tr')].flatMap((row) => {
          let column = 0;
          return [...row.children].filter((cell) => {
            const name = headers[column] || '';
            column += Number(cell.getAttribute('colspan') || 1);
            const before = getComputedStyle(cell, '::before').content;
            return name && cell.getClientRects().length && cell.textContent.trim()
              && !(cell.tagName === 'TH' && cell.getAttribute('scope') === 'row')
              && ['none', 'normal', '""'].includes(before);
          }).map((cell) => cell.textContent.trim().slice(0, 40));
        });
      }),
    }));
    let axe = null;
    if (!noJs) {
      await page.addScriptTag({ url: axeUrl });
      axe = await page.evaluate(async (tags) => {
        const { violations } = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
        return violations.filter((v) => ['serious', 'critical'].includes(v.impact))
          .map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`);
      }, AXE_TAGS);
    }
    out[p] = { status: response.status(), ...measured, consoleErrors: errors, axe };
    if (process.env.SCREENSHOT_DIR) {
      const name = p.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home';
      const suffix = noJs ? '-nojs' : '';
      await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, `${name}-${width}${suffix}.png`), fullPage: true });
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
