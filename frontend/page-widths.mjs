// How wide each page is at a given viewport: used by the small-screens test
// (cshub/core/tests/test_small_screens.py) and handy by hand.
//
//   node frontend/page-widths.mjs BASE_URL SESSION_COOKIE WIDTH PATH... > widths.json
//
// Prints one JSON object: {path: {status, scrollWidth, viewport, hidden: [texts of table
// header cells that lie beyond the viewport's right edge]}}. With SCREENSHOT_DIR set, it
// also saves a full-page screenshot of each page.
import { chromium } from 'playwright-core';
import path from 'node:path';

const [base, cookie, width, ...paths] = process.argv.slice(2);
const viewport = { width: Number(width), height: 800 };
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const out = {};
try {
  const context = await browser.newContext({ viewport });
  const url = new URL(base);
  await context.addCookies([{ name: 'sessionid', value: cookie, domain: url.hostname, path: '/' }]);
  const page = await context.newPage();
  for (const p of paths) {
    const response = await page.goto(base + p, { waitUntil: 'load' });
    const measured = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth,
      // Cells of every table (headers and data) whose right edge lies beyond the viewport.
      hidden: [...document.querySelectorAll('table th, table td')]
        .filter((c) => c.getClientRects().length && c.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((c) => c.textContent.trim().slice(0, 40)),
    }));
    out[p] = { status: response.status(), ...measured };
    if (process.env.SCREENSHOT_DIR) {
      const name = p.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home';
      await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
    }
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
