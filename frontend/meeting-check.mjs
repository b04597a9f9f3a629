// A whole simulated morning meeting in headless Chromium against the demo: the demo manager
// opens today's daily meeting, takes attendance, adds items by hand until there are 15, and
// minutes every item (information shared with its lawful basis, discussion, decision, an
// action) the way a minute-taker would, counting every click and keystroke. Then it checks
// that nothing reloaded the page while minuting, that every decision was saved by autosave,
// runs axe-core on the meeting page, and takes screenshots (desktop and mobile).
//
//   CSHUB_URL=http://127.0.0.1:8001 node frontend/meeting-check.mjs
//
// Env: CSHUB_URL (default http://127.0.0.1:8000), SCREENSHOT_DIR (default screenshots/meeting),
// MEETING_CHECK_CLOSE=1 to close the meeting at the end (the demo's meeting is then closed).
// Exit code 1 on a serious/critical axe violation, a console error, or a failed step.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const AXE_FILE = require.resolve('axe-core/axe.min.js');
const BASE = (process.env.CSHUB_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');
const SHOTS = process.env.SCREENSHOT_DIR || path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'screenshots', 'meeting');
const CLOSE = process.env.MEETING_CHECK_CLOSE === '1';
const PASSWORD = 'demo-cshub-2026';
const AXE_URL = `${BASE}/__meeting-check__/axe.min.js`;
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const ITEMS = 15;
const LAUNCH_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

const problems = [];
const consoleErrors = [];
let page;

// Every interaction goes through these, so the counts are what a person would do.
const count = { clicks: 0, keys: 0, typed: 0 };
async function click(locator) { count.clicks += 1; await locator.click(); }
async function choose(locator, value) { count.clicks += 1; await locator.selectOption(value); } // open the list, pick
async function type(text) { count.keys += text.length; count.typed += text.length; await page.keyboard.type(text, { delay: 0 }); }
async function press(key) { count.keys += 1; await page.keyboard.press(key); }
const snapshot = () => ({ ...count });
const since = (before) => ({ clicks: count.clicks - before.clicks, keys: count.keys - before.keys, typed: count.typed - before.typed });

async function shot(name, { fullPage = false } = {}) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

async function runAxe(label) {
  await page.addScriptTag({ url: AXE_URL });
  const violations = await page.evaluate(async (tags) => {
    const { violations } = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return violations.map((v) => ({ id: v.id, impact: v.impact, count: v.nodes.length, target: v.nodes[0]?.target.join(' ') }));
  }, AXE_TAGS);
  for (const v of violations) {
    console.log(`  axe [${label}] ${v.id} (${v.impact}) ×${v.count}: ${v.target}`);
    if (v.impact === 'serious' || v.impact === 'critical') problems.push(`axe ${label}: ${v.id}`);
  }
  return violations;
}

const SHARED = [
  ['POLICE', 'Seen with two older males near the train station on Friday night.', 'SAFEGUARDING'],
  ['HEALTH', 'Attended A&E on Saturday with a hand injury; agreed to us sharing this.', 'CONSENT'],
  ['POLICE', 'Vehicle linked to a county line seen at the address twice this week.', 'POLICE_ONLY'],
  ['MISSING_SERVICE', 'Return interview offered by phone; the child asked to meet at school.', 'SAFEGUARDING'],
  ['EDUCATION', 'Not in school since Wednesday; school has a new address for the family.', 'SAFEGUARDING'],
];
const DECISIONS = [
  'Hub worker to see the child today and update the safety plan.',
  'Refer to the missing panel; trigger plan shared with police.',
  'No further action from this meeting; plan continues.',
  'Strategy discussion to be held tomorrow with police and health.',
  'Disruption visit to the address; carers told tonight.',
];
const ACTIONS = [
  ['Visit at home and update the safety plan', /Alys Brightwater/],
  ['Disruption visit to the address of concern', /Gethin Marshcombe/],
  ['Offer the return interview again', /Nia Ivystead/],
];

async function signIn() {
  await page.goto(`${BASE}/sign-in/`);
  await page.getByLabel(/username/i).fill('manager');
  await page.getByLabel(/password/i).fill(PASSWORD);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Continue' }).click()]);
  if (new URL(page.url()).pathname.startsWith('/sign-in')) throw new Error('Still on the sign-in page after signing in');
}

async function openTodaysMeeting() {
  await page.goto(`${BASE}/meetings/`);
  await shot('01-meetings-list', { fullPage: true });
  await runAxe('meetings list');
  const open = page.getByRole('link', { name: "Open today's daily meeting" });
  if (await open.count()) await Promise.all([page.waitForNavigation(), open.click()]);
  else await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: "Start today's daily meeting" }).click()]);
  if (await page.getByText('This meeting is closed').count()) throw new Error("Today's meeting is already closed: make the demo again (delete the var directory)");
}

async function takeAttendance() {
  const details = page.locator('#attendance');
  if (!(await details.evaluate((d) => d.open))) await click(details.locator('summary'));
  for (const [agency, name, present] of [['POLICE', 'Gethin Marshcombe', true], ['HEALTH', 'Rhian Fernhollow', true], ['MISSING_SERVICE', 'Nia Ivystead', true], ['ADULT_SOCIAL_CARE', 'Bryn Ashdown', false]]) {
    await page.locator('#attendance').evaluate((d) => { d.open = true; });
    await choose(page.locator('#id_att-agency'), agency);
    await click(page.locator('#id_att-name'));
    await type(name);
    if (!present) await click(page.getByLabel('Sent apologies'));
    await Promise.all([page.waitForNavigation(), click(page.getByRole('button', { name: 'Add to attendance' }))]);
  }
}

async function addItemsByHand(needed) {
  for (let n = 0; n < needed; n += 1) {
    await Promise.all([page.waitForNavigation(), click(page.getByRole('link', { name: 'Add an item' }))]);
    await click(page.getByLabel(n % 2 ? 'Intelligence' : 'Custody'));
    await click(page.getByLabel('Title'));
    await type(n % 2 ? 'Peer group seen at a house of concern' : 'Arrested overnight, released under investigation');
    // Choose children already on the agenda (a peer group: two of them for intelligence).
    const boxes = page.locator('input[name="children"]');
    await click(boxes.nth(n));
    if (n % 2) await click(boxes.nth(n + 1));
    await Promise.all([page.waitForNavigation(), click(page.getByRole('button', { name: 'Add the item' }))]);
  }
}

async function minuteItem(section, n) {
  const id = await section.getAttribute('data-item');
  // Information shared, with its lawful basis.
  const [agency, text, basis] = SHARED[n % SHARED.length];
  await choose(section.locator(`#id_s${id}-agency`), agency);
  await click(section.locator(`#id_s${id}-text`));
  await type(text);
  if (basis !== 'SAFEGUARDING') await click(section.locator(`input[name="s${id}-lawful_basis"][value="${basis}"]`));
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith(`/meetings/items/${id}/shared/`)),
    click(section.getByRole('button', { name: /^Add information/ })),
  ]);
  section = page.locator(`#item-${id}`);
  await section.locator('.cshub-shared').waitFor();
  // Discussion, then Tab to the decision: autosaved, no button.
  await click(section.locator(`#id_m${id}-discussion`));
  await type('Partners agreed the risk has increased since the weekend.');
  await press('Tab');
  await type(DECISIONS[n % DECISIONS.length]);
  // An action on most items: what, who (a CSHub user), due (default: a week).
  if (n % 4 !== 3) {
    const [what, owner] = ACTIONS[n % ACTIONS.length];
    await click(section.locator(`#id_a${id}-description`));
    await type(what);
    const value = await section.locator(`#id_a${id}-owner option`).filter({ hasText: owner }).getAttribute('value');
    await choose(section.locator(`#id_a${id}-owner`), value);
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/meetings/items/${id}/actions/`)),
      click(section.getByRole('button', { name: /^Add action/ })),
    ]);
    section = page.locator(`#item-${id}`);
    await section.getByText(what).first().waitFor();
  }
  return section;
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: LAUNCH_ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route(AXE_URL, (route) => route.fulfill({ path: AXE_FILE, contentType: 'text/javascript' }));
  page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
  page.on('pageerror', (err) => consoleErrors.push(`Uncaught: ${err.message}`));
  const rows = [];
  let loadsWhileMinuting = 0;
  try {
    await signIn();
    await openTodaysMeeting();
    await shot('02-meeting-agenda', { fullPage: true });
    await runAxe('meeting page, items closed');

    const before = snapshot();
    await takeAttendance();
    const attendance = since(before);
    const existing = await page.locator('.cshub-item').count();
    const setup = snapshot();
    if (existing < ITEMS) await addItemsByHand(ITEMS - existing);
    const added = since(setup);
    await shot('03-after-adding-items', { fullPage: true });

    // Minute 15 items. Count page loads: there must be none while minuting.
    let loads = 0;
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) loads += 1; });
    const meetingUrl = page.url().split('?')[0].split('#')[0];
    const ids = await page.locator('.cshub-item').evaluateAll((els) => els.map((e) => e.dataset.item));
    for (let n = 0; n < ITEMS; n += 1) {
      const start = snapshot();
      const t0 = Date.now();
      let section = page.locator(`#item-${ids[n]}`);
      if (n === 0) await click(section.locator('summary'));
      else await click(page.locator(`#item-${ids[n - 1]}`).getByRole('link', { name: 'Next item' }));
      await section.locator(`#id_m${ids[n]}-discussion`).waitFor({ state: 'visible' });
      section = await minuteItem(section, n);
      if (n === 1) {
        await page.waitForTimeout(1200); // let autosave report
        await section.scrollIntoViewIfNeeded();
        await shot('04-item-minuted');
        await runAxe('meeting page, item open with its forms');
      }
      rows.push({ item: n + 1, ...since(start), seconds: (Date.now() - t0) / 1000 });
    }
    // Leave the last decision: autosave on blur.
    await page.locator(`#item-${ids[ITEMS - 1]} summary`).focus();
    await page.waitForTimeout(1500);
    const status = await page.locator(`#item-${ids[ITEMS - 1]} [data-save-status]`).textContent();
    if (!/Saved at \d/.test(status || '')) problems.push(`last item's status reads "${status}", not "Saved at …"`);
    loadsWhileMinuting = loads;
    if (loads) problems.push(`${loads} page load(s) while minuting: items should update in place`);

    // Everything was saved: reload and count the decisions.
    await page.goto(meetingUrl);
    const decided = await page.locator('[data-decision-cell] .govuk-tag--green').count();
    if (decided < ITEMS) problems.push(`only ${decided} of ${ITEMS} decisions saved`);
    await shot('05-agenda-after-minuting', { fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(`${meetingUrl}?open=${ids[0]}#item-${ids[0]}`);
    await shot('06-mobile-item', { fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.goto(`${meetingUrl}minutes/`);
    await shot('07-minutes-full', { fullPage: true });
    await runAxe('minutes');
    await page.goto(`${meetingUrl}minutes/?version=restricted`);
    await shot('08-minutes-restricted', { fullPage: true });
    if (await page.getByText('Vehicle linked to a county line').count()) problems.push('police-only information in the restricted minutes');
    await page.emulateMedia({ media: 'print' });
    await shot('09-minutes-print', { fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    await page.goto(`${meetingUrl}close/`);
    await shot('10-close', { fullPage: true });
    if (CLOSE) {
      const undecided = await page.locator('main ul.govuk-list a').evaluateAll((as) => as.map((a) => a.href));
      for (const href of undecided) {
        const itemId = href.split('#item-')[1];
        await page.goto(`${BASE}/meetings/items/${itemId}/remove/`);
        await page.getByRole('button', { name: 'Remove the item' }).click();
      }
      await page.goto(`${meetingUrl}close/`);
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Close the meeting' }).click()]);
      await shot('11-closed', { fullPage: false });
      if (!(await page.getByText('This meeting is closed').count())) problems.push('meeting did not close');
    }

    console.log(`\nAttendance (4 people): ${attendance.clicks} clicks, ${attendance.keys} keystrokes`);
    if (added.clicks) console.log(`Items added by hand (${ITEMS - existing}): ${added.clicks} clicks, ${added.keys} keystrokes`);
    console.log('\nitem  clicks  keystrokes  (typed text)  other keys  seconds');
    for (const r of rows) console.log(`${String(r.item).padStart(4)}  ${String(r.clicks).padStart(6)}  ${String(r.keys).padStart(10)}  ${String(r.typed).padStart(12)}  ${String(r.keys - r.typed).padStart(10)}  ${r.seconds.toFixed(1).padStart(7)}`);
    const total = rows.reduce((a, r) => ({ clicks: a.clicks + r.clicks, keys: a.keys + r.keys, typed: a.typed + r.typed, seconds: a.seconds + r.seconds }), { clicks: 0, keys: 0, typed: 0, seconds: 0 });
    console.log(`\nPer item on average: ${(total.clicks / rows.length).toFixed(1)} clicks, ${(total.keys / rows.length).toFixed(1)} keystrokes, of which ${((total.keys - total.typed) / rows.length).toFixed(1)} are not the minutes' own words; ${(total.seconds / rows.length).toFixed(1)} s of machine time. Page loads while minuting: ${loadsWhileMinuting}.`);
  } catch (err) {
    problems.push(`step failed: ${err.message.split('\n')[0]}`);
    await shot('zz-failure', { fullPage: true }).catch(() => {});
  } finally {
    await browser.close();
  }
  for (const e of consoleErrors) problems.push(`console: ${e}`);
  for (const p of problems) console.log(`FAIL ${p}`);
  console.log(problems.length ? `\n${problems.length} problem(s). Screenshots in ${SHOTS}` : `\nok. Screenshots in ${SHOTS}`);
  process.exitCode = problems.length ? 1 : 0;
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
