// Drives facesim's control page ({root}/_facesim/) with a real headless Chromium: state made
// through the vendor APIs shows up, the namespace field switches every panel to another namespace,
// the forms advance the clock, arm and disarm a Trustmatic
// outcome, arm a Truora outcome for an account and a Checkout one for an applicant, act on a
// Checkout attempt and reset; a full-page screenshot is taken and checked,
// and the page is read once more with scripts off.
//
// Environment: FACESIM_BIN (default target/debug/facesim under the repository),
// CHROMIUM_BIN (default /usr/bin/chromium). The screenshot goes to target/browser/dashboard.png.

import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { CHROMIUM_BIN, CHROMIUM_FLAGS, FIXTURES, OUT, startFacesim } from './facesim.mjs';

const VIEWPORT = { width: 1280, height: 800 };
const TIMEOUT_MS = 15_000;

/** Calls facesim; resolves with the parsed JSON answer after checking its status. */
async function call(base, method, path, { json, form, headers = {}, expect = 200 } = {}) {
  const init = { method, headers: { ...headers } };
  if (json !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.body = new URLSearchParams(form);
  }
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  assert.equal(response.status, expect, `${method} ${path}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Some state of every vendor, made through their APIs. */
async function makeState(base) {
  const enrollment = await call(base, 'POST', '/truora/validations/v1/enrollments', {
    headers: { 'Truora-API-Key': 'truora-sim-key' },
    form: { type: 'face-recognition', user_authorized: 'true', account_id: 'dashboard-account' },
  });
  const picture = (name) => readFileSync(join(FIXTURES, name)).toString('base64');
  const verdict = await call(base, 'POST', '/trustmatic/api/v1/face/verify', {
    headers: { Authorization: `Basic ${Buffer.from('facesim:facesim').toString('base64')}` },
    json: {
      sessionId: 'dashboard-verify',
      probe: { imageBase64: picture('alice-selfie.jpg') },
      reference: { imageBase64: picture('alice-reference.png') },
    },
  });
  assert.equal(verdict.hasError, false, JSON.stringify(verdict));
  const checkout = (path, json) => call(base, 'POST', `/checkout${path}`, {
    headers: { Authorization: 'Bearer sk_sbox_facesimsandboxsecretkeyaaaa' }, json, expect: 201,
  });
  const applicant = await checkout('/applicants', { email: 'dashboard@example.com' });
  const fa = await checkout('/face-authentications', {
    applicant_id: applicant.id, user_journey_id: `usj_${'a'.repeat(26)}`,
  });
  const attempt = await checkout(`/face-authentications/${fa.id}/attempts`, {
    redirect_url: 'https://shop.example/back',
  });
  return {
    enrollmentId: enrollment.enrollment_id, applicantId: applicant.id, faId: fa.id, attemptId: attempt.id,
  };
}

/** Checks the screenshot: a PNG as wide as the viewport, at least as tall, not one colour. */
async function checkScreenshot(context, png) {
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  assert.equal(width, VIEWPORT.width);
  assert.ok(height >= VIEWPORT.height, `the page is ${height} px tall`);
  // The pixels are read back through a canvas of a blank page (the control page's policy refuses data: URLs).
  const blank = await context.newPage();
  try {
    const seen = await blank.evaluate(async (source) => {
      const image = new Image();
      image.src = `data:image/png;base64,${source}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const g = canvas.getContext('2d');
      g.drawImage(image, 0, 0);
      const { data } = g.getImageData(0, 0, image.width, image.height);
      const colours = new Set();
      for (let i = 0; i < data.length; i += 4 * 101) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      const at = (x, y) => Array.from(g.getImageData(x, y, 1, 1).data.slice(0, 3));
      return { width: image.width, height: image.height, colours: colours.size, header: at(5, 5), panel: at(30, image.height - 30) };
    }, png.toString('base64'));
    assert.deepEqual([seen.width, seen.height], [width, height]);
    assert.ok(seen.colours >= 4, `only ${seen.colours} colours in the screenshot`);
    assert.deepEqual(seen.header, [0x1d, 0x23, 0x30], 'the header band is dark');
    assert.ok(seen.panel.every((c) => c > 200), `the page below is light: ${seen.panel}`);
  } finally {
    await blank.close();
  }
}

async function withScript(context, base, made) {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const url = message.location()?.url || '';
    // The browser asks for /favicon.ico by itself; the catalogue may be missing (a 404).
    const expected = url.endsWith('/favicon.ico') || url.endsWith('/_facesim/catalogue');
    if (message.type() === 'error' && !expected) problems.push(`${message.text()} (${url})`);
  });

  await page.goto(`${base}/_facesim`);
  assert.equal(page.url(), `${base}/_facesim/`, 'the bare prefix leads to the page');
  assert.equal(await page.title(), 'facesim control');

  // State and journal made through the vendor APIs.
  const truora = page.locator('#truora-lists');
  await truora.getByRole('cell', { name: made.enrollmentId }).waitFor();
  const summary = page.getByRole('row', { name: /Truora enrollments/ });
  assert.equal(await summary.getByRole('cell').first().textContent(), '1');
  const journal = page.locator('#journal-list');
  await journal.getByRole('cell', { name: '/trustmatic/api/v1/face/verify', exact: true }).waitFor();
  await journal.getByRole('cell', { name: '/truora/validations/v1/enrollments', exact: true }).waitFor();
  await page.getByLabel('API', { exact: true }).selectOption('trustmatic');
  await journal.getByRole('cell', { name: '/truora/validations/v1/enrollments', exact: true }).waitFor({ state: 'detached' });
  await journal.getByRole('cell', { name: '/trustmatic/api/v1/face/verify', exact: true }).waitFor();

  // Another namespace, chosen in the namespace field: its state only, then back to the default one.
  const other = await call(base, 'POST', '/truora/validations/v1/enrollments', {
    headers: { 'Truora-API-Key': 'truora-sim-key', 'Facesim-Namespace': 'dashboard-ns' },
    form: { type: 'face-recognition', user_authorized: 'true', account_id: 'dashboard-other' },
  });
  await page.getByLabel('Namespace', { exact: true }).fill('dashboard-ns');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await page.getByRole('status').getByText('Showing namespace dashboard-ns').waitFor();
  await truora.getByRole('cell', { name: other.enrollment_id }).waitFor();
  await truora.getByRole('cell', { name: made.enrollmentId }).waitFor({ state: 'detached' });
  await page.locator('#namespace-names option[value="dashboard-ns"]').waitFor({ state: 'attached' });
  const offered = await page.locator('#namespace-names option').evaluateAll((options) => options.map((o) => o.value));
  assert.deepEqual(offered, ['default', 'dashboard-ns']);
  await page.getByLabel('Namespace', { exact: true }).fill('not a name');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await page.getByRole('status').getByText(/^Namespace: /).waitFor();
  await truora.getByRole('cell', { name: other.enrollment_id }).waitFor();
  await page.getByLabel('Namespace', { exact: true }).fill('default');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await page.getByRole('status').getByText('Showing the default namespace').waitFor();
  await truora.getByRole('cell', { name: made.enrollmentId }).waitFor();
  await truora.getByRole('cell', { name: other.enrollment_id }).waitFor({ state: 'detached' });

  // The catalogue panel follows what the endpoint answers.
  const catalogue = await fetch(`${base}/_facesim/catalogue`);
  const shown = page.locator('#catalogue-body');
  if (catalogue.status === 200) await shown.locator('pre').waitFor();
  else await shown.getByText('catalogue not available').waitFor();

  // A Checkout attempt, chosen in its table and declined with a code (before the clock moves
  // past its expiry).
  await page.getByRole('button', { name: `Choose attempt ${made.attemptId}` }).click();
  assert.equal(await page.getByLabel('Attempt ID').inputValue(), made.attemptId);
  await page.getByLabel('Action').selectOption('decline');
  await page.getByLabel(/^Code/).fill('62402');
  await page.getByRole('button', { name: 'Apply to the attempt' }).click();
  await page.getByRole('status').getByText(`Attempt ${made.attemptId} is checks_in_progress`).waitFor();

  // The clock, through its form.
  const before = await call(base, 'GET', '/_facesim/clock');
  await page.getByLabel('Seconds to advance').fill('3600');
  await page.getByRole('button', { name: 'Advance the clock' }).click();
  await page.locator('#clock-offset').getByText(`${before.offset_seconds + 3600} s`).waitFor();
  await page.getByRole('status').getByText(/^Clock advanced to /).waitFor();
  assert.equal((await call(base, 'GET', '/_facesim/clock')).offset_seconds, before.offset_seconds + 3600);

  // A Trustmatic outcome, armed through the form.
  await page.getByLabel('Operation').selectOption('face_liveness');
  await page.getByLabel('Session ID (empty: any call)').fill('dashboard-liveness');
  await page.getByLabel('a score').check();
  await page.getByLabel(/^Score/).fill('0.42');
  await page.getByLabel('Times').fill('2');
  await page.getByRole('button', { name: 'Arm the outcome' }).click();
  const armed = page.locator('#trustmatic-list').getByRole('row', { name: /dashboard-liveness/ });
  await armed.getByRole('cell', { name: 'score 0.42' }).waitFor();
  const [outcome] = (await call(base, 'GET', '/_facesim/trustmatic/outcomes')).outcomes;
  assert.deepEqual(outcome, {
    id: outcome.id, operation: 'face_liveness', sessionId: 'dashboard-liveness', score: 0.42, remaining: 2,
  });

  // A Truora outcome for an account and a Checkout one for an applicant, armed through their forms.
  await page.getByLabel('Account ID').fill('dashboard-account');
  await page.getByLabel('Declined reason or system_error').selectOption('face_in_blocklist');
  await page.getByLabel('Number of validations').fill('2');
  await page.getByRole('button', { name: 'Arm for the account' }).click();
  const truoraArmed = page.locator('#truora-outcomes-list').getByRole('row', { name: /dashboard-account/ });
  await truoraArmed.getByRole('cell', { name: 'face_in_blocklist' }).waitFor();
  const [truoraOutcome] = (await call(base, 'GET', '/_facesim/truora/outcomes')).outcomes;
  assert.deepEqual(truoraOutcome, {
    id: truoraOutcome.id, account_id: 'dashboard-account', outcome: 'face_in_blocklist', remaining: 2,
  });
  await page.getByLabel('Applicant ID').fill(made.applicantId);
  await page.getByLabel(/^Response code/).fill('61411I');
  await page.getByRole('button', { name: 'Arm for the applicant' }).click();
  const checkoutArmed = page.locator('#checkout-outcomes-list').getByRole('row', { name: new RegExp(made.applicantId) });
  await checkoutArmed.getByRole('cell', { name: '61411I' }).waitFor();
  const [checkoutOutcome] = (await call(base, 'GET', '/_facesim/checkout/outcomes')).outcomes;
  assert.deepEqual(checkoutOutcome, {
    id: checkoutOutcome.id, applicant_id: made.applicantId, outcome: '61411I', remaining: 1,
  });

  // The screenshot, with every panel filled.
  mkdirSync(OUT, { recursive: true });
  const png = await page.screenshot({ fullPage: true, path: join(OUT, 'dashboard.png') });
  await checkScreenshot(context, png);

  // Disarm the outcome from its row, then reset everything.
  await page.getByRole('button', { name: `Disarm ${outcome.id}`, exact: true }).click();
  await page.locator('#trustmatic-list').getByText('Armed outcomes: none').waitFor();
  await page.getByRole('button', { name: `Disarm Truora ${truoraOutcome.id}` }).click();
  await page.locator('#truora-outcomes-list').getByText('Armed outcomes: none').waitFor();
  await page.getByLabel('What to reset').selectOption('');
  await page.getByRole('button', { name: 'Reset', exact: true }).click();
  await truora.getByText('Enrollments: none').waitFor();
  await page.locator('#checkout-outcomes-list').getByText('Armed outcomes: none').waitFor();
  await page.locator('#clock-offset').getByText(/^0(\.\d+)? s$/).waitFor();

  assert.deepEqual(problems, [], 'no script errors and nothing refused by the policy');
  await page.close();
}

async function withoutScript(browser, base) {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await page.goto(`${base}/_facesim/`);
    await page.getByRole('heading', { name: 'facesim control', level: 1 }).waitFor();
    // Playwright's text locators skip <noscript>; a CSS locator reaches it.
    const note = page.locator('noscript .note');
    assert.ok(await note.isVisible(), 'the note about scripts shows');
    assert.match(await note.innerText(), /The live panels and the forms need JavaScript/);
    for (const name of ['Virtual clock', 'State', 'Request journal', 'Trustmatic outcomes', 'Truora outcomes',
      'Checkout outcomes', 'Checkout attempt']) {
      assert.ok(await page.getByRole('heading', { name, exact: true }).isVisible(), name);
    }
    await page.getByRole('link', { name: 'GET /_facesim/state', exact: true }).click();
    await page.waitForURL(`${base}/_facesim/state`);
    assert.ok(JSON.parse(await page.locator('body').innerText()).truora, 'the link shows the JSON');
  } finally {
    await context.close();
  }
}

const SCENARIOS = [
  ['the page shows state and drives the control API', async ({ context, base }) =>
    withScript(context, base, await makeState(base))],
  ['the page is readable without scripts', ({ browser, base }) => withoutScript(browser, base)],
];

async function main() {
  const facesim = await startFacesim();
  const browser = await chromium.launch({ executablePath: CHROMIUM_BIN, headless: true, args: CHROMIUM_FLAGS });
  let failed = 0;
  try {
    const context = await browser.newContext({ viewport: VIEWPORT });
    context.setDefaultTimeout(TIMEOUT_MS);
    for (const [name, run] of SCENARIOS) {
      const started = Date.now();
      try {
        await run({ browser, context, base: facesim.base });
        console.log(`PASS ${name} (${Date.now() - started} ms)`);
      } catch (error) {
        failed += 1;
        console.log(`FAIL ${name}\n${error.stack || error}`);
        await keepEvidence(context, name);
      }
    }
  } finally {
    await browser.close();
    await facesim.stop();
  }
  if (failed) console.log(`facesim log:\n${facesim.log()}`);
  console.log(`${SCENARIOS.length - failed} passed, ${failed} failed`);
  return failed === 0;
}

/** Saves a screenshot and the HTML of every page still open after a failure. */
async function keepEvidence(context, name) {
  mkdirSync(OUT, { recursive: true });
  for (const [i, page] of context.pages().entries()) {
    const stem = join(OUT, `dashboard-${name.replace(/[^a-z0-9]+/gi, '-')}-${i}`);
    try {
      await page.screenshot({ path: `${stem}.png`, fullPage: true });
      writeFileSync(`${stem}.html`, await page.content());
      console.log(`  page at ${page.url()} saved as ${stem}.png and ${stem}.html`);
    } catch (error) {
      console.log(`  no screenshot: ${error.message}`);
    }
    await page.close().catch(() => {});
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error) => {
    console.error(error.stack || error);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
