// Browser check for CSHub: signs in as each demo role, visits the pages that role can reach,
// runs axe-core on every page, takes screenshots and reports console errors and failed requests.
//
//   make browser   (with `make demo` running in another terminal)
//
// Env: CSHUB_URL (default http://127.0.0.1:8000), SCREENSHOT_DIR (default screenshots/ in the repository).
// Exit code 1 if any serious/critical axe violation, console error, page status >= 500 or a step
// that could not be completed; otherwise 0. Read-only apart from two POSTs that change nothing:
// a name search and an empty threshold-decision form (which fails validation).
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const AXE_FILE = require.resolve('axe-core/axe.min.js');
const BASE = (process.env.CSHUB_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');
const SHOTS = process.env.SCREENSHOT_DIR || path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'screenshots');
const PASSWORD = 'demo-cshub-2026';
const ROLES = ['practitioner', 'manager', 'analyst', 'lead', 'admin', 'police', 'missing'];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const DESKTOP = { width: 1280, height: 900 };
const MOBILE = { width: 375, height: 812 };
// The app's CSP is script-src 'self', so an inline <script> would be refused. Serve axe from a
// same-origin URL that the browser context answers itself; the server never sees the request.
const AXE_URL = `${BASE}/__browser-check__/axe.min.js`;
const LAUNCH_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

const results = [];

// ---------- sessions and page visits ----------

async function openSession(browser, role) {
  const context = await browser.newContext({ viewport: DESKTOP });
  await context.route(AXE_URL, (route) => route.fulfill({ path: AXE_FILE, contentType: 'text/javascript' }));
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const session = { role, context, page, current: null, visited: new Set() };
  const note = (list, text) => session.current?.[list].push(text);
  page.on('console', (msg) => { if (msg.type() === 'error') note('consoleErrors', msg.text()); });
  page.on('pageerror', (err) => note('consoleErrors', `Uncaught: ${err.message}`));
  page.on('requestfailed', (req) => note('failedRequests', `${req.url()} (${req.failure()?.errorText})`));
  page.on('response', (res) => {
    if (res.status() >= 400 && res.request().resourceType() !== 'document') note('failedRequests', `${res.url()} (${res.status()})`);
  });
  return session;
}

function begin(session, label) {
  session.current = { role: session.role, label, path: null, status: null, violations: [],
    consoleErrors: [], failedRequests: [], error: null };
  results.push(session.current);
  return session.current;
}

async function runAxe(page) {
  await page.addScriptTag({ url: AXE_URL });
  return page.evaluate(async (tags) => {
    const { violations } = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return violations.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length, target: v.nodes[0]?.target.join(' ') }));
  }, AXE_TAGS);
}

const slug = (text) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

async function screenshot(session, label, viewport = DESKTOP) {
  const { page } = session;
  if (viewport !== DESKTOP) await page.setViewportSize(viewport);
  const suffix = viewport === DESKTOP ? '' : `-${viewport.width}`;
  await page.screenshot({ path: path.join(SHOTS, `${slug(session.role)}--${slug(label)}${suffix}.png`), fullPage: true });
  if (viewport !== DESKTOP) await page.setViewportSize(DESKTOP);
}

// Runs `navigate` (which must return the document Response), then axe and a screenshot.
async function check(session, label, navigate, { mobile = false } = {}) {
  const rec = begin(session, label);
  try {
    const response = await navigate(session.page);
    await session.page.waitForLoadState('load');
    rec.status = response ? response.status() : null;
    rec.path = new URL(session.page.url()).pathname;
    rec.violations = await runAxe(session.page);
    await screenshot(session, label);
    if (mobile) await screenshot(session, label, MOBILE);
  } catch (err) {
    rec.error = err.message.split('\n')[0];
  }
  return rec;
}

// Each path is checked once per role; later visits (to read links again) just navigate.
async function visit(session, pathname, label = pathname, opts) {
  if (session.visited.has(pathname)) {
    session.current = { consoleErrors: [], failedRequests: [] }; // already reported for this path
    return session.page.goto(BASE + pathname);
  }
  session.visited.add(pathname);
  return check(session, label, (page) => page.goto(BASE + pathname), opts);
}

// Fills and submits the form on the current page, then checks the page that comes back.
async function submit(session, label, fillForm, buttonName) {
  return check(session, label, async (page) => {
    if (!(await page.locator('main form').count())) throw new Error(`Skipped: no form on ${new URL(page.url()).pathname}`);
    await fillForm(page);
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.locator('main').getByRole('button', { name: buttonName }).click(),
    ]);
    return response;
  });
}

// ---------- helpers that read the page ----------

async function firstHref(page, selector) {
  const link = page.locator(selector).first();
  if (!(await link.count())) throw new Error(`No link matching ${selector} on ${page.url()}`);
  return new URL(await link.getAttribute('href'), page.url()).pathname;
}

async function navLinks(page) {
  const hrefs = await page.locator('.govuk-service-navigation__list a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  return [...new Set(hrefs.map((h) => new URL(h, BASE).pathname))];
}

// Drop one letter from the middle of the surname, so the search has to cope with a typo.
function misspell(fullName) {
  const surname = fullName.trim().split(/\s+/).pop();
  const i = Math.floor(surname.length / 2);
  return surname.slice(0, i) + surname.slice(i + 1);
}

async function clearForm(page) {
  await page.locator('main form').evaluate((form) => {
    for (const el of form.elements) {
      if (el.type === 'hidden' || el.type === 'submit') continue;
      if (el.type === 'radio' || el.type === 'checkbox') el.checked = false;
      else if (el.tagName === 'SELECT') el.selectedIndex = -1;
      else el.value = '';
    }
  });
}

// ---------- journeys ----------

async function signIn(session, username) {
  await session.page.goto(`${BASE}/sign-in/`);
  const rec = await submit(session, 'home after sign-in', async (page) => {
    await page.getByLabel(/username/i).fill(username);
    await page.getByLabel(/password/i).fill(PASSWORD);
  }, 'Continue');
  if (!rec.error && rec.path.startsWith('/sign-in')) rec.error = 'Still on the sign-in page after signing in';
  if (rec.path) session.visited.add(rec.path);
  return !rec.error;
}

async function checkSignInPage(browser) {
  const session = await openSession(browser, 'signed-out');
  await visit(session, '/sign-in/', 'sign-in', { mobile: true });
  await submit(session, 'sign-in wrong password', async (page) => {
    await page.getByLabel(/username/i).fill('nobody');
    await page.getByLabel(/password/i).fill('not-the-password');
  }, 'Continue');
  await session.context.close();
}

async function checkChildJourney(session, caseloadPath) {
  await visit(session, caseloadPath);
  const childSelector = 'main table a[href^="/children/"]';
  const childPath = await firstHref(session.page, childSelector);
  const name = await session.page.locator(childSelector).first().textContent();

  await visit(session, '/children/', 'find a child');
  await submit(session, `search ${misspell(name)}`, (page) => page.locator('input[name="name"]').fill(misspell(name)), 'Search');

  await visit(session, childPath, 'child overview', { mobile: true });
  const episodePath = await firstHref(session.page, 'main a[href^="/episodes/"]').catch(() => null);
  const referralPath = await firstHref(session.page, 'main a[href^="/referrals/"]').catch(() => null);
  await visit(session, `${childPath}timeline/`, 'child timeline');
  await visit(session, `${childPath}details/`, 'child personal details');
  for (const [p, label] of [[episodePath, 'episode'], [referralPath, 'referral detail']]) {
    if (p) await visit(session, p, label);
    else begin(session, label).error = `No ${label} link on ${childPath}`;
  }
  return childPath;
}

// Casework of an open episode (issue 5): the tabs, the assessment form (an indicator ticked
// without evidence must be refused; blaming words get guidance as you type), the plan, the
// safety plan's print view, and the closure form with its checklist and warnings.
async function checkCasework(session, childPath) {
  await visit(session, `${childPath}casework/`, 'assessment and plans tab', { mobile: true });
  const newAssessment = await firstHref(session.page, 'main a[href$="/assessments/new/"]');
  const planForm = await firstHref(session.page, 'main a[href$="/plan/"]').catch(() => null);
  await visit(session, newAssessment, 'assessment form');
  const rec = await submit(session, 'assessment without evidence', async (page) => {
    await page.locator('input[name="weapons"]').check();
    await page.locator('textarea[name="analysis"]').fill('He is putting himself at risk by associating with unsuitable peers.');
  }, 'Save the assessment');
  if (!rec.error && !(await session.page.locator('.govuk-error-summary').count())) rec.error = 'An indicator without evidence was accepted';
  const typed = begin(session, 'language guidance while typing');
  try {
    const area = session.page.locator('textarea[name="child_view"]');
    await area.fill('She consented and it was a lifestyle choice.');
    await session.page.locator('#id_child_view-language .cshub-language__panel').waitFor({ timeout: 5000 });
    typed.path = new URL(session.page.url()).pathname;
    await screenshot(session, 'language guidance while typing');
  } catch (err) {
    typed.error = `No guidance appeared: ${err.message.split('\n')[0]}`;
  }
  if (planForm) await visit(session, planForm, 'plan form');
  await visit(session, `${childPath}safety-plan/`, 'safety plan (print view)');
  await visit(session, `${childPath}trigger-plan/`, 'trigger plan');
  await visit(session, `${childPath}work/`, 'work with the child tab', { mobile: true });
  await visit(session, `${childPath}supervision/`, 'supervision tab');
  await visit(session, childPath);
  const episode = await firstHref(session.page, 'main a[href^="/episodes/"]');
  await visit(session, `${episode}close/`, 'closure form');
}

async function checkManagerExtras(session, childPath) {
  await visit(session, '/referrals/', 'referrals list');
  const referral = await firstHref(session.page, 'main table a[href^="/referrals/"]');
  await visit(session, `${referral}decision/`, 'referral decision');
  const rec = await submit(session, 'referral decision empty', clearForm, 'Record decision');
  if (!rec.error && !(await session.page.locator('.govuk-error-summary').count())) rec.error = 'No error summary after empty submit';
  for (const p of ['/caseload/team/', '/roles/', '/access-review/', `${childPath}access/`]) await visit(session, p);
  await visit(session, `${childPath}supervision/`, 'supervision tab (manager)');
  const supervise = await firstHref(session.page, 'main a[href$="/supervision/new/"]').catch(() => null);
  if (supervise) {
    await visit(session, supervise, 'supervision form');
    const rec = await submit(session, 'joint supervision without locality worker', async (page) => {
      await page.locator('input[name="kind"][value="JOINT"]').check();
      await page.locator('input[name="locality_worker"]').fill('');
      await page.locator('textarea[name="discussion"]').fill('Progress this month.');
      await page.locator('textarea[name="decisions"]').fill('Continue the plan.');
    }, 'Save supervision');
    if (!rec.error && !(await session.page.locator('.govuk-error-summary').count())) rec.error = 'Joint supervision saved without a locality worker';
  }
  await visit(session, `${childPath}casework/`);
  const assessment = await firstHref(session.page, 'main a[href^="/assessments/"]').catch(() => null);
  if (assessment) await visit(session, assessment, 'assessment detail');
}

// Missing-service worker: the 72-hour queue, an interview form (and its errors when sent
// empty), the child's page with the missing history, and the form to record an episode.
async function checkMissingWork(session) {
  await visit(session, '/missing/return-interviews/', 'return interview queue');
  const interview = await firstHref(session.page, 'main table a[href$="/interview/"]');
  await visit(session, interview, 'return interview form');
  const rec = await submit(session, 'return interview empty', clearForm, 'Record interview');
  if (!rec.error && !(await session.page.locator('.govuk-error-summary').count())) rec.error = 'No error summary after empty submit';
  await visit(session, '/missing/return-interviews/');
  const child = await firstHref(session.page, 'main table a[href^="/children/"]');
  await visit(session, child, 'child overview (missing history)');
  await visit(session, `${child}missing/new/`, 'record a missing episode');
}

async function checkRole(browser, role) {
  const session = await openSession(browser, role);
  try {
    if (!(await signIn(session, role))) return;
    for (const link of await navLinks(session.page)) await visit(session, link, `nav ${link}`);
    if (role === 'practitioner') await checkCasework(session, await checkChildJourney(session, '/caseload/'));
    if (role === 'manager') await checkManagerExtras(session, await checkChildJourney(session, '/caseload/team/'));
    if (role === 'admin') for (const p of ['/users/', '/users/new/', '/roles/']) await visit(session, p);
    if (role === 'missing') await checkMissingWork(session);
  } catch (err) {
    begin(session, 'journey').error = err.message.split('\n')[0];
  } finally {
    await session.context.close();
  }
}

// ---------- report ----------

const isBad = (r) => r.error || r.status >= 500 || r.consoleErrors.length
  || r.violations.some((v) => v.impact === 'serious' || v.impact === 'critical');

function printSummary() {
  for (const r of results) {
    console.log(`${isBad(r) ? 'FAIL' : 'ok  '} [${r.role}] ${r.label} → ${r.path ?? '?'} ${r.status ?? '-'}`);
    for (const v of r.violations) console.log(`       axe ${v.id} (${v.impact}) ×${v.count}: ${v.target}`);
    for (const e of r.consoleErrors) console.log(`       console: ${e}`);
    for (const f of r.failedRequests) console.log(`       request failed: ${f}`);
    if (r.error) console.log(`       step error: ${r.error}`);
  }
  const bad = results.filter(isBad).length;
  console.log(`\n${results.length} checks, ${bad} failing. Screenshots in ${SHOTS}`);
  return bad ? 1 : 0;
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: LAUNCH_ARGS });
  try {
    await checkSignInPage(browser);
    for (const role of ROLES) await checkRole(browser, role);
  } finally {
    await browser.close();
  }
  process.exitCode = printSummary();
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
