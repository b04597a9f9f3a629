// Browser walk through documents, against a running demo (CSHUB_URL) with a scanner:
// sign in as the practitioner, open a child's Documents tab, upload a PDF (scanned, listed),
// open and download it, upload a PNG named .pdf (refused by content) and a file with the
// planted test signature (refused by clamd: docs/documents.md), open the removal page; each
// page checked with axe-core and photographed at 1280 and 375 px.
//
//   CSHUB_URL=http://127.0.0.1:8000 CHILD_ID=12 node tools/documents-walk.mjs
//
// The planted-signature step needs clamd started with the tests' database (PLANTED=1); the
// rest works with any scanner. Exit 1 on any failed step or serious axe violation.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const AXE_FILE = require.resolve('axe-core/axe.min.js');
const BASE = (process.env.CSHUB_URL || 'http://127.0.0.1:8000').replace(/\/+$/, '');
const CHILD = process.env.CHILD_ID;
const SHOTS = process.env.SCREENSHOT_DIR || path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'screenshots', 'documents');
const AXE_URL = `${BASE}/__documents-walk__/axe.min.js`;
const PLANTED = 'CSHUB-PLANTED-TEST-' + 'SIGNATURE-NOT-A-VIRUS';
const failures = [];

function pdf(text) {
  const stream = `BT /F1 12 Tf 56 780 Td (${text}) Tj ET`;
  const objs = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>', `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`];
  let out = '%PDF-1.4\n'; const offsets = [];
  objs.forEach((o, i) => { offsets.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n` + offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108020000009077053de00000000c4944415478da63f8cfc000000301010018dd8db00000000049454e44ae426082', 'hex');

async function check(page, label) {
  await page.addScriptTag({ url: AXE_URL });
  const violations = await page.evaluate(async () => (await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'] } })).violations);
  const serious = violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  if (serious.length) failures.push(`${label}: axe ${serious.map((v) => v.id).join(', ')}`);
  for (const [name, viewport] of [['1280', { width: 1280, height: 900 }], ['375', { width: 375, height: 812 }]]) {
    await page.setViewportSize(viewport);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    if (wide) failures.push(`${label}: wider than the screen at ${name} px`);
    await page.screenshot({ path: path.join(SHOTS, `${label}-${name}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  console.log(`ok ${label}${serious.length ? ' (axe: ' + serious.length + ')' : ''}`);
}

async function upload(page, name, buffer, title) {
  await page.goto(`${BASE}/children/${CHILD}/documents/new/`);
  await page.setInputFiles('input[type=file]', { name, mimeType: 'application/octet-stream', buffer });
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Report').check();
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/documents/new/')),
    page.getByRole('button', { name: 'Upload and check' }).click(),
  ]);
  await page.waitForLoadState('load');
}

if (!CHILD) { console.error('Set CHILD_ID to a child of the demo'); process.exit(2); }
mkdirSync(SHOTS, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu'] });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
await context.route(AXE_URL, (route) => route.fulfill({ path: AXE_FILE, contentType: 'text/javascript' }));
const page = await context.newPage();
try {
  await page.goto(`${BASE}/sign-in/`);
  await page.getByLabel(/username/i).fill(process.env.CSHUB_USER || 'practitioner');
  await page.getByLabel(/password/i).fill('demo-cshub-2026');
  await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Continue' }).click()]);

  await page.goto(`${BASE}/children/${CHILD}/documents/`);
  await check(page, 'tab');
  await page.goto(`${BASE}/children/${CHILD}/documents/new/`);
  await check(page, 'upload');

  const title = `Strategy discussion ${Date.now()}`;
  await upload(page, 'strategy.pdf', pdf('Strategy discussion: synthetic text.'), title);
  if (!(await page.content()).includes('It was checked and no virus was found')) failures.push('clean upload: no success message');
  await check(page, 'uploaded');
  const link = page.getByRole('link', { name: title, exact: true });
  const href = await link.getAttribute('href');
  const opened = await page.request.get(`${BASE}${href}`);
  const headers = opened.headers();
  if (opened.status() !== 200 || headers['content-security-policy'] !== 'sandbox' || headers['x-content-type-options'] !== 'nosniff' || !headers['content-disposition'].startsWith('inline')) {
    failures.push(`open: ${opened.status()} ${JSON.stringify(headers)}`);
  }
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: `Download ${title}` }).click()]);
  if (download.suggestedFilename() !== 'strategy.pdf') failures.push(`download named ${download.suggestedFilename()}`);
  console.log(`ok download ${download.suggestedFilename()}`);

  await upload(page, 'photo.pdf', PNG, 'Not what it says');
  if (!(await page.content()).includes('called .pdf but its content is a PNG image')) failures.push('PNG named .pdf not refused');
  await check(page, 'refused-type');

  if (process.env.PLANTED) {
    await upload(page, 'notes.txt', Buffer.from(`Notes\n${PLANTED}\n`), 'Planted');
    if (!(await page.content()).includes('contains a virus')) failures.push('planted signature not refused');
    await check(page, 'refused-virus');
  }

  await page.goto(`${BASE}/children/${CHILD}/documents/`);
  await page.getByRole('link', { name: `Remove ${title}` }).click();
  await page.waitForLoadState('load');
  await check(page, 'remove');
} catch (error) {
  failures.push(`stopped: ${error.message}`);
}
await browser.close();
if (failures.length) { console.error(failures.join('\n')); process.exit(1); }
console.log(`Screenshots in ${SHOTS}`);
