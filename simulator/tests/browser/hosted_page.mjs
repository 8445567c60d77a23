// Drives facesim's Checkout.com capture page (`_links.verification_url`) with a real headless
// Chromium, scripts disabled, as an applicant would: a selfie upload, an outcome button and a
// sandbox applicant whose capture completes on open. Each scenario checks where the browser
// lands and what the API reports afterwards.
//
// Environment: FACESIM_BIN (default target/debug/facesim under the repository),
// CHROMIUM_BIN (default /usr/bin/chromium). Screenshots of failures go to target/browser/.

import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import {
  CHROMIUM_BIN, CHROMIUM_FLAGS, FIXTURES, OUT as SCREENSHOTS, startFacesim, withTimeout,
} from './facesim.mjs';

const SECRET_KEY = 'sk_sbox_facesimsandboxsecretkeyaaaa';
const STEP_TIMEOUT_MS = 15_000;

/** A local site standing for the integrator: records every request it gets. */
async function startMerchant() {
  const hits = [];
  const waiters = [];
  const server = http.createServer((req, res) => {
    const hit = { method: req.method, url: req.url, userAgent: req.headers['user-agent'] || '' };
    hits.push(hit);
    for (const waiter of waiters.splice(0)) waiter();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end('<!DOCTYPE html><html lang="en"><title>Back at the shop</title><h1>Thanks</h1></html>');
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    /** Resolves with the first request whose path and query are `path`. */
    async received(path) {
      const found = () => hits.find((h) => h.url === path);
      while (!found()) {
        await withTimeout(new Promise((done) => waiters.push(done)), STEP_TIMEOUT_MS, `a request for ${path}`);
      }
      return found();
    },
    close: () => new Promise((done) => server.close(done)),
  };
}

/** A client of the Face Authentication API and of the control API of one facesim. */
function client(base) {
  async function call(method, url, { body, headers = {}, expect } = {}) {
    const response = await fetch(url, { method, headers, body });
    const text = await response.text();
    if (expect !== undefined && response.status !== expect) {
      throw new Error(`${method} ${url}: expected ${expect}, got ${response.status}: ${text}`);
    }
    return text ? JSON.parse(text) : null;
  }
  const api = (method, path, body, expect = 200) =>
    call(method, `${base}/checkout${path}`, {
      expect,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: {
        Authorization: `Bearer ${SECRET_KEY}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
    });
  return {
    createApplicant: (fields) => api('POST', '/applicants', fields, 201),
    createFaceAuthentication: (applicantId) =>
      api('POST', '/face-authentications', { applicant_id: applicantId, user_journey_id: userJourneyId() }, 201),
    createAttempt: (faId, redirectUrl) =>
      api('POST', `/face-authentications/${faId}/attempts`, { redirect_url: redirectUrl }, 201),
    faceAuthentication: (faId) => api('GET', `/face-authentications/${faId}`),
    attempt: (faId, attemptId) => api('GET', `/face-authentications/${faId}/attempts/${attemptId}`),
    setReference: (applicantId, picture) =>
      call('PUT', `${base}/_facesim/checkout/applicants/${applicantId}/reference`, {
        expect: 200,
        body: JSON.stringify({ image_base64: picture.toString('base64') }),
        headers: { 'Content-Type': 'application/json' },
      }),
    advance: (seconds) =>
      call('POST', `${base}/_facesim/clock/advance`, {
        expect: 200,
        body: JSON.stringify({ seconds }),
        headers: { 'Content-Type': 'application/json' },
      }),
  };
}

/** A well-formed `usj_` ID: 26 characters of the base-32 alphabet. */
function userJourneyId() {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let id = 'usj_';
  for (let i = 0; i < 26; i += 1) id += alphabet[Math.floor(Math.random() * alphabet.length)];
  return id;
}

/** Creates an applicant, a face authentication and an attempt that returns to `redirectUrl`. */
async function newAttempt(cko, applicantFields, redirectUrl) {
  const applicant = await cko.createApplicant(applicantFields);
  const fa = await cko.createFaceAuthentication(applicant.id);
  const attempt = await cko.createAttempt(fa.id, redirectUrl);
  assert.equal(attempt.status, 'pending_redirection');
  const verificationUrl = attempt._links?.verification_url?.href;
  assert.ok(verificationUrl, `the attempt has a verification_url: ${JSON.stringify(attempt)}`);
  return { applicant, fa, attempt, verificationUrl };
}

function codes(resource) {
  return (resource.response_codes || []).map((c) => c.code);
}

/** The applicant takes a selfie of the reference's subject: approved. */
async function selfieScenario({ page, cko, merchant }) {
  const back = merchant.url('/return?scenario=selfie');
  const { applicant, fa, attempt, verificationUrl } = await newAttempt(
    cko,
    { external_applicant_name: 'Ada Lovelace', email: 'ada@example.com' },
    back,
  );
  await cko.setReference(applicant.id, readFileSync(join(FIXTURES, 'alice-reference.png')));

  const opened = await page.goto(verificationUrl);
  assert.equal(opened.status(), 200);
  assert.equal(opened.headers()['content-type'], 'text/html; charset=utf-8');
  assert.match(await page.title(), /Take a selfie/);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.getByText('Hello Ada Lovelace.').waitFor();
  assert.equal((await cko.attempt(fa.id, attempt.id)).status, 'capture_in_progress');

  await page.getByLabel('A picture of your face').setInputFiles(join(FIXTURES, 'alice-selfie.jpg'));
  await Promise.all([
    page.waitForURL(back),
    page.getByRole('button', { name: 'Send the selfie' }).click(),
  ]);
  const hit = await merchant.received('/return?scenario=selfie');
  assert.equal(hit.method, 'GET');
  assert.equal(page.url(), back);
  assert.equal(await page.title(), 'Back at the shop');

  assert.equal((await cko.attempt(fa.id, attempt.id)).status, 'checks_in_progress');
  await cko.advance(2);
  const done = await cko.faceAuthentication(fa.id);
  assert.equal(done.status, 'approved');
  assert.deepEqual(codes(done), [10000]);
  const finished = await cko.attempt(fa.id, attempt.id);
  assert.equal(finished.status, 'completed');
  const session = finished.applicant_session_information;
  if (session) {
    assert.match(session.user_agent || '', /Chrome/, 'the attempt records the browser it was opened with');
  }

  const again = await page.goto(verificationUrl);
  assert.equal(again.status(), 200);
  await page.getByRole('heading', { name: 'This verification is finished' }).waitFor();
}

/** The applicant picks "decline" with a chosen code. */
async function declineScenario({ page, cko, merchant }) {
  const back = merchant.url('/return?scenario=decline');
  const { fa, attempt, verificationUrl } = await newAttempt(cko, { email: 'grace@example.com' }, back);
  await page.goto(verificationUrl);
  await page.getByLabel('Decline with').selectOption('62402');
  await Promise.all([page.waitForURL(back), page.getByRole('button', { name: 'Decline' }).click()]);
  await merchant.received('/return?scenario=decline');

  await cko.advance(2);
  const done = await cko.faceAuthentication(fa.id);
  assert.equal(done.status, 'declined');
  assert.deepEqual(codes(done), [62402]);
  const finished = await cko.attempt(fa.id, attempt.id);
  assert.equal(finished.status, 'completed');
  assert.deepEqual(codes(finished), [62402]);
}

/** A sandbox applicant approved in advance: opening the page completes the capture. */
async function sandboxScenario({ page, cko, merchant }) {
  const back = merchant.url('/return?scenario=sandbox');
  const { fa, verificationUrl } = await newAttempt(
    cko,
    { external_applicant_id: 'eaplt_10000000000000000000000000' },
    back,
  );
  const opened = await page.goto(verificationUrl);
  assert.equal(opened.status(), 200);
  await page.getByRole('heading', { name: 'Your capture is complete' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Continue' }).getAttribute('href'), back);
  await page.waitForURL(back, { timeout: STEP_TIMEOUT_MS });
  await merchant.received('/return?scenario=sandbox');

  await cko.advance(2);
  const done = await cko.faceAuthentication(fa.id);
  assert.equal(done.status, 'approved');
  assert.deepEqual(codes(done), [10000]);
}

const SCENARIOS = [
  ['a selfie of the reference subject is approved', selfieScenario],
  ['the decline button with a chosen code declines', declineScenario],
  ['a sandbox applicant completes on open', sandboxScenario],
];

async function main() {
  const only = process.argv.slice(2);
  const facesim = await startFacesim();
  const merchant = await startMerchant();
  const profile = mkdtempSync(join(tmpdir(), 'facesim-chromium-'));
  let context;
  const results = [];
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_BIN,
      headless: true,
      args: CHROMIUM_FLAGS,
      javaScriptEnabled: false,
      acceptDownloads: false,
    });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const cko = client(facesim.base);
    for (const [name, run] of SCENARIOS) {
      if (only.length && !only.some((o) => name.includes(o))) continue;
      const page = await context.newPage();
      const started = Date.now();
      try {
        await run({ page, cko, merchant });
        results.push({ name, ok: true });
        console.log(`PASS ${name} (${Date.now() - started} ms)`);
      } catch (error) {
        results.push({ name, ok: false });
        console.log(`FAIL ${name}\n${error.stack || error}`);
        await keepEvidence(page, name);
      } finally {
        await page.close();
      }
    }
  } finally {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
    await merchant.close();
    await facesim.stop();
  }
  const failed = results.filter((r) => !r.ok).length;
  if (failed) console.log(`facesim log:\n${facesim.log()}`);
  console.log(`${results.length - failed} passed, ${failed} failed`);
  return failed === 0 && results.length > 0;
}

/** Saves a screenshot and the HTML of a failed scenario's page. */
async function keepEvidence(page, name) {
  try {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const stem = join(SCREENSHOTS, name.replace(/[^a-z0-9]+/gi, '-'));
    await page.screenshot({ path: `${stem}.png`, fullPage: true });
    writeFileSync(`${stem}.html`, await page.content());
    console.log(`  page at ${page.url()} saved as ${stem}.png and ${stem}.html`);
  } catch (error) {
    console.log(`  no screenshot: ${error.message}`);
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
