// Whether the intelligence network drawing fits its box again after the window is resized:
// used by cshub/intelligence/tests/test_network_resize.py, and handy by hand.
//
//   node frontend/network-resize.mjs BASE_URL SESSION_COOKIE PATH > fit.json
//
// Opens PATH at 1280 px, waits for the drawing (the Cytoscape instance network.js keeps on its
// box), narrows the window to 375 px and waits up to 5 seconds for every node to lie inside the
// box. Prints {drawn, nodes, fitted, box: {width, height}, drawing: {x1, x2, y1, y2}}. With
// SCREENSHOT_DIR set, saves the page before and after.
import { chromium } from 'playwright-core';
import path from 'node:path';

const [base, cookie, target] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const shot = async (page, name) => {
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: path.join(process.env.SCREENSHOT_DIR, name), fullPage: true });
};
const out = { drawn: false, nodes: 0, fitted: false };
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const url = new URL(base);
  await context.addCookies([{ name: 'sessionid', value: cookie, domain: url.hostname, path: '/' }]);
  const page = await context.newPage();
  await page.goto(base + target, { waitUntil: 'networkidle' });
  await page.waitForFunction(() => document.querySelector('[data-network-graph]')?.cy?.nodes().length > 0, null, { timeout: 10000 });
  out.drawn = true;
  out.nodes = await page.evaluate(() => document.querySelector('[data-network-graph]').cy.nodes().length);
  await shot(page, 'network-1280.png');
  await page.setViewportSize({ width: 375, height: 812 });
  const inside = () => {
    const box = document.querySelector('[data-network-graph]');
    const b = box.cy.nodes().renderedBoundingBox();
    return b.x1 >= -1 && b.y1 >= -1 && b.x2 <= box.clientWidth + 1 && b.y2 <= box.clientHeight + 1;
  };
  out.fitted = await page.waitForFunction(inside, null, { timeout: 5000 }).then(() => true, () => false);
  Object.assign(out, await page.evaluate(() => {
    const box = document.querySelector('[data-network-graph]');
    const b = box.cy.nodes().renderedBoundingBox();
    return { box: { width: box.clientWidth, height: box.clientHeight }, drawing: { x1: b.x1, x2: b.x2, y1: b.y1, y2: b.y2 } };
  }));
  await shot(page, 'network-375-after-resize.png');
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
