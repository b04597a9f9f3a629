// Browser check of the intelligence network drawing (Cytoscape.js) against a running demo:
// signs in as the police demo user, opens a child's network page and a subject's, and checks
// that the drawing is drawn (the Cytoscape instance holds one node per entity of the table's
// rows and one edge per drawn row), that the key to the drawing is shown, that there are no
// console errors and no Content-Security-Policy violations, and that axe-core finds no
// violations at 1280px and 375px. Saves screenshots (both widths) and each page printed to
// PDF (its print stylesheet, A4 landscape) for a person to look at.
//
//   make browser-check   (with `make demo` running; CSHUB_URL for another address)
//
// Env: CSHUB_URL (default http://127.0.0.1:8000), SCREENSHOT_DIR (default screenshots/network),
// CHROMIUM (default /usr/bin/chromium). Exit code 1 on any problem. Read-only: it signs in and
// reads pages. Not part of pytest.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const AXE_FILE = require.resolve('axe-core/axe.min.js');
const BASE = (process.env.CSHUB_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');
const HERE = path.dirname(new URL(import.meta.url).pathname);
const SHOTS = process.env.SCREENSHOT_DIR || path.join(HERE, '..', 'screenshots', 'network');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const USER = 'police';
const PASSWORD = 'demo-cshub-2026';
// The CSP is script-src 'self': axe is served from a same-origin URL the browser context
// answers itself (the server never sees the request).
const AXE_URL = `${BASE}/__network-check__/axe.min.js`;
const WIDTHS = [{ width: 1280, height: 900 }, { width: 375, height: 812 }];
const LAUNCH_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

const problems = [];
const consoleErrors = [];
const fail = (text) => { problems.push(text); console.log(`  PROBLEM: ${text}`); };

async function signIn(page) {
  await page.goto(`${BASE}/sign-in/`);
  await page.getByLabel(/username/i).fill(USER);
  await page.getByLabel(/password/i).fill(PASSWORD);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Continue' }).click()]);
  if (new URL(page.url()).pathname.startsWith('/sign-in')) throw new Error('Still on the sign-in page after signing in');
}

async function runAxe(page) {
  await page.addScriptTag({ url: AXE_URL });
  return page.evaluate(async () => {
    const { violations } = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.nodes[0]?.target.join(' ')}`);
  });
}

// The entities of the table's drawn rows, as the drawing names its nodes (child-ID,
// subject-ID; a restricted record is one node per row), and how many rows are drawn.
async function tableEntities(page) {
  return page.evaluate(() => {
    const ids = new Set();
    let rows = 0;
    let restricted = 0;
    const idOf = (cell) => {
      const a = cell.querySelector('a[href]');
      if (!a) return null;
      const href = new URL(a.href).pathname;
      const child = href.match(/^\/children\/(\d+)\//);
      const subject = href.match(/^\/intelligence\/subjects\/(\d+)\//);
      return child ? `child-${child[1]}` : subject ? `subject-${subject[1]}` : null;
    };
    for (const tr of document.querySelectorAll('main table tbody tr')) {
      const cells = [...tr.querySelectorAll('td')];
      if (cells.some((c) => c.hasAttribute('colspan'))) continue; // handling conditions: not drawn
      rows += 1;
      const [from, to] = [cells[1], cells[3]]; // Step, From, Link, To, ...
      for (const cell of [from, to]) {
        const id = idOf(cell);
        if (id) ids.add(id);
        else restricted += 1;
      }
    }
    return { ids: [...ids].sort(), rows, restricted };
  });
}

async function drawing(page) {
  return page.evaluate(() => {
    const box = document.querySelector('[data-network-graph]');
    const cy = box?.cy;
    if (!cy) return null;
    const canvases = [...box.querySelectorAll('canvas')].map((c) => [c.width, c.height]);
    return {
      ids: cy.nodes().map((n) => n.id()).filter((id) => !id.startsWith('restricted-')).sort(),
      restricted: cy.nodes().filter((n) => n.id().startsWith('restricted-')).length,
      edges: cy.edges().length,
      canvases,
      keyShown: !!document.querySelector('.cshub-legend') && document.querySelector('[data-network-drawing]').checkVisibility(),
    };
  });
}

async function checkNetwork(page, label, pathname) {
  console.log(`${label}: ${pathname}`);
  const violations = [];
  const response = await page.goto(BASE + pathname);
  if (!response || response.status() !== 200) fail(`${label}: status ${response?.status()}`);
  await page.waitForFunction(() => document.querySelector('[data-network-graph]')?.cy, null, { timeout: 10000 })
    .catch(() => fail(`${label}: the drawing was not made (no Cytoscape instance)`));
  const table = await tableEntities(page);
  const drawn = await drawing(page);
  if (drawn) {
    console.log(`  table: ${table.rows} rows, ${table.ids.length + table.restricted} entities; drawn: ${drawn.edges} edges, ${drawn.ids.length + drawn.restricted} nodes`);
    if (JSON.stringify(drawn.ids) !== JSON.stringify(table.ids)) fail(`${label}: drawn nodes ${drawn.ids} are not the table's ${table.ids}`);
    if (drawn.edges !== table.rows) fail(`${label}: ${drawn.edges} edges drawn for ${table.rows} rows`);
    if (table.restricted && !drawn.restricted) fail(`${label}: a restricted record in the table is not drawn`);
    if (!drawn.canvases.length || drawn.canvases.some(([w, h]) => !w || !h)) fail(`${label}: no canvas with a size (${JSON.stringify(drawn.canvases)})`);
    if (!drawn.keyShown) fail(`${label}: the drawing and its key are not shown`);
  }
  for (const viewport of WIDTHS) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(300); // Cytoscape redraws on resize
    for (const v of await runAxe(page)) violations.push(`${viewport.width}px ${v}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > viewport.width) fail(`${label}: the page is ${width}px wide at ${viewport.width}px`);
    await page.screenshot({ path: path.join(SHOTS, `${label}-${viewport.width}.png`), fullPage: true });
  }
  await page.setViewportSize(WIDTHS[0]);
  for (const v of violations) fail(`${label}: axe ${v}`);
  await page.emulateMedia({ media: 'print' });
  await page.pdf({ path: path.join(SHOTS, `${label}.pdf`), preferCSSPageSize: true, printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  const csp = await page.evaluate(() => window.__cspViolations || []);
  for (const c of csp) fail(`${label}: CSP violation ${c}`);

}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  const context = await browser.newContext({ viewport: WIDTHS[0] });
  await context.route(AXE_URL, (route) => route.fulfill({ path: AXE_FILE, contentType: 'text/javascript' }));
  // Injected by the browser (not a page script, so the CSP does not apply): records what
  // the CSP refused on each page.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective}: ${e.blockedURI || 'inline'}`);
    });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(`${page.url()}: ${msg.text()}`); });
  page.on('pageerror', (err) => consoleErrors.push(`${page.url()}: uncaught ${err.message}`));
  try {
    await signIn(page);
    // A subject linked to several children (the dashboard lists them), then a child of its network.
    await page.goto(`${BASE}/intelligence/`);
    const subject = await page.locator('main a[href^="/intelligence/subjects/"][href$="/"]')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')).find((h) => /^\/intelligence\/subjects\/\d+\/$/.test(h)));
    if (!subject) throw new Error('No subject on the intelligence dashboard');
    await checkNetwork(page, 'subject-network', `${subject}network/`);
    const child = await page.locator('main table a[href^="/children/"]').first().getAttribute('href');
    if (!child) throw new Error('No child in the subject network');
    await checkNetwork(page, 'child-network', new URL(child, BASE).pathname);
  } catch (err) {
    fail(err.message.split('\n')[0]);
  }
  for (const e of consoleErrors) fail(`console: ${e}`);
  await browser.close();
  console.log(problems.length ? `${problems.length} problem(s)` : `No problems. Screenshots and PDFs in ${SHOTS}`);
  process.exit(problems.length ? 1 : 0);
}

main();
