// Browser walk through recording a disruption and opening a joint operation, against a
// running demo: signs in as the police demo user, opens the Golden Fry takeaway's
// intelligence page, records a closure order through the form (protecting the first child
// offered), opens a joint operation for that child, and checks each page: no console
// errors, no CSP refusals, no axe-core WCAG 2.2 AA violations, no sideways scrolling at
// 375px. Saves screenshots at 1280px and 375px in screenshots/disruption/.
//
//   node tools/disruption-walk.mjs   (with `cshub demo` running; CSHUB_URL for another address)
//
// Env: CSHUB_URL (default http://127.0.0.1:8000), SCREENSHOT_DIR, CHROMIUM. Exit code 1 on
// any problem. It writes records (a disruption and an operation) to the demo's database.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const AXE_FILE = require.resolve('axe-core/axe.min.js');
const BASE = (process.env.CSHUB_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');
const HERE = path.dirname(new URL(import.meta.url).pathname);
const SHOTS = process.env.SCREENSHOT_DIR || path.join(HERE, '..', 'screenshots', 'disruption');
const AXE_URL = `${BASE}/__disruption-walk__/axe.min.js`;
const WIDTHS = [1280, 375];
const problems = [];
const fail = (text) => { problems.push(text); console.log(`  PROBLEM: ${text}`); };

mkdirSync(SHOTS, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
await context.route(AXE_URL, (route) => route.fulfill({ path: AXE_FILE, contentType: 'text/javascript' }));
const page = await context.newPage();
const errors = [];
page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
page.on('pageerror', (err) => errors.push(`Uncaught: ${err.message}`));

async function check(name) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (wide > 1) fail(`${name} at ${width}px scrolls sideways by ${wide}px`);
    await page.addScriptTag({ url: AXE_URL });
    const axe = await page.evaluate(async () => {
      const { violations } = await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      });
      return violations.map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`);
    });
    for (const v of axe) fail(`${name} at ${width}px: axe ${v}`);
    await page.screenshot({ path: path.join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  for (const e of errors.splice(0)) fail(`${name}: console ${e}`);
  console.log(`checked ${name}`);
}

try {
  await page.goto(`${BASE}/sign-in/`);
  await page.getByLabel(/username/i).fill('police');
  await page.getByLabel(/password/i).fill('demo-cshub-2026');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Continue' }).click()]);
  await check('home');

  await page.goto(`${BASE}/intelligence/`);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Golden Fry, High Street' }).first().click()]);
  await check('subject');
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Record a disruption' }).click()]);
  await page.getByLabel('Closure notice or order').check();
  const today = new Date();
  await page.locator('#id_on_0').fill(String(today.getDate()));
  await page.locator('#id_on_1').fill(String(today.getMonth() + 1));
  await page.locator('#id_on_2').fill(String(today.getFullYear()));
  await page.getByLabel('Agency that took the action').selectOption('POLICE');
  await page.getByLabel('Officer', { exact: true }).selectOption({ index: 1 });
  const child = page.locator('input[name="children"]').first();
  const childId = await child.getAttribute('value');
  await child.check();
  await page.getByLabel('Done').check();
  await page.getByLabel(/^Successful/).check();
  await page.locator('#id_expires_on_0').fill(String(today.getDate()));
  await page.locator('#id_expires_on_1').fill(String(today.getMonth() + 1));
  await page.locator('#id_expires_on_2').fill(String(today.getFullYear() + 1));
  await check('disruption-form');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save' }).click()]);
  if (!(await page.getByRole('heading', { name: 'Closure notice or order' }).isVisible())) fail('the disruption was not recorded');
  await check('disruption');

  await page.goto(`${BASE}/children/${childId}/timeline/`);
  if (!(await page.getByText(/Disruption recorded: Closure notice or order/).first().isVisible())) fail('no timeline entry');
  await check('timeline');

  await page.goto(`${BASE}/operations/new/`);
  await page.getByLabel('Name').fill('Operation Walk');
  await page.getByLabel('Aims').fill('Keep the children away from the takeaway.');
  await page.locator('#id_opened_on_0').fill(String(today.getDate()));
  await page.locator('#id_opened_on_1').fill(String(today.getMonth() + 1));
  await page.locator('#id_opened_on_2').fill(String(today.getFullYear()));
  await page.getByLabel('Children: record numbers').fill(String(childId));
  await page.locator('input[name="members"]').first().check();
  await check('operation-form');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save' }).click()]);
  if (!(await page.getByRole('heading', { name: 'Operation Walk' }).isVisible())) fail('the operation was not opened');
  await check('operation');
  await page.goto(`${BASE}/disruptions/`);
  await check('log');
} catch (err) {
  fail(`walk stopped: ${err.message}`);
  await page.screenshot({ path: path.join(SHOTS, 'stopped.png'), fullPage: true });
} finally {
  await browser.close();
}
console.log(problems.length ? `${problems.length} problem(s)` : 'no problems');
process.exit(problems.length ? 1 : 0);
