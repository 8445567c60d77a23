// Drives facesim's Checkout.com face authentication with the official Node SDK (npm `checkout-sdk-node`).
//
// Usage: node flow.mjs ROOT_URL   (for example http://127.0.0.1:7700)
//
// The SDK has no setting for its identity-verification base URL: it always calls
// https://identity-verification.sandbox.checkout.com for a sandbox key. Its HTTP client is Node's fetch, so the flow
// installs a global fetch dispatcher (undici's public `setGlobalDispatcher`) that sends that origin to
// ROOT_URL/checkout and refuses every other origin except ROOT_URL itself. The SDK object is used as constructed.
// Everything asserted is what the SDK returns (response bodies, error objects); facesim's control API, which the SDK
// does not know, is called with plain fetch. The first failed check ends the run with exit code 1.

import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { Agent, setGlobalDispatcher } from 'undici';
import { Checkout } from 'checkout-sdk-node';

const SDK_VERSION = createRequire(import.meta.url)('checkout-sdk-node/package.json').version;
const SECRET_KEY = 'sk_sbox_facesimsandboxsecretkeyaaaa';
// Well-formed (the SDK looks at the shape) but unknown to facesim.
const UNKNOWN_SECRET_KEY = 'sk_sbox_facesimunknownsecretkeyaaaa';
const IDENTITY_SANDBOX_ORIGIN = 'https://identity-verification.sandbox.checkout.com';
const REDIRECT_URL = 'https://merchant.example/identity/return?flow=node';
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const LABEL = 'node';

class StepFailed extends Error {}

const refused = [];

function routeIdentityHostTo(root) {
  const target = new URL(root);
  const prefix = `${target.pathname.replace(/\/+$/, '')}/checkout`;
  const agent = new Agent().compose((dispatch) => (opts, handler) => {
    const origin = String(opts.origin).replace(/\/+$/, '');
    if (origin === IDENTITY_SANDBOX_ORIGIN) {
      return dispatch({ ...opts, origin: target.origin, path: `${prefix}${opts.path}` }, handler);
    }
    if (origin === target.origin) {
      return dispatch(opts, handler);
    }
    refused.push(`${opts.method} ${origin}${opts.path}`);
    throw new Error(`refused a request to ${origin}${opts.path}: this flow only talks to facesim`);
  });
  setGlobalDispatcher(agent);
}

function randomB32(length) {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return Array.from(randomBytes(length), (b) => alphabet[b & 31]).join('');
}

const show = (value) => JSON.stringify(value);

class Flow {
  constructor(root) {
    this.root = root.replace(/\/+$/, '');
    this.api = `${this.root}/checkout`;
    this.passed = 0;
    this.step = null;
  }

  begin(step) {
    this.step = step;
  }

  ok(detail) {
    this.passed += 1;
    console.log(`ok   ${this.step}${detail ? ` (${detail})` : ''}`);
  }

  fail(what, expected, actual) {
    throw new StepFailed(`${what}: expected ${expected}, got ${show(actual)}`);
  }

  eq(what, actual, expected) {
    if (show(actual) !== show(expected)) this.fail(what, show(expected), actual);
  }

  match(what, actual, pattern) {
    if (typeof actual !== 'string' || !pattern.test(actual)) this.fail(what, `a string matching ${pattern}`, actual);
  }

  starts(what, actual, prefix) {
    if (typeof actual !== 'string' || !actual.startsWith(prefix)) {
      this.fail(what, `a string starting with ${prefix}`, actual);
    }
  }

  field(obj, name, what) {
    if (obj === null || typeof obj !== 'object' || !(name in obj)) {
      this.fail(what, `the SDK response to have \`${name}\``, obj);
    }
    return obj[name];
  }

  absent(obj, name, what) {
    if (obj[name] !== undefined && obj[name] !== null) this.fail(what, `no \`${name}\``, obj[name]);
  }

  href(obj, link, what) {
    const links = this.field(obj, '_links', what);
    return this.field(this.field(links, link, `${what} _links`), 'href', `${what} _links.${link}`);
  }

  codes(obj, what) {
    return this.field(obj, 'response_codes', what).map((c) => [c.code, c.summary]);
  }

  async apiError(call, name, status, errorType, errorCodes) {
    let response;
    try {
      response = await call();
    } catch (err) {
      if (err instanceof StepFailed) throw err;
      this.eq('error.name', err.name, name);
      this.eq('error.http_code', err.http_code, status);
      if (errorType === null) {
        this.eq('error.body (empty answer)', err.body, {});
        return err;
      }
      this.eq('error.body.error_type', err.body?.error_type, errorType);
      this.eq('error.body.error_codes', err.body?.error_codes, errorCodes);
      this.match('error.body.request_id', err.body?.request_id, /\S/);
      return err;
    }
    this.fail('the SDK call', `${name} with HTTP ${status}`, response);
  }

  async control(path, body) {
    const answer = await fetch(`${this.root}/_facesim${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await answer.text();
    if (answer.status !== 200) this.fail(`POST /_facesim${path}`, 'HTTP 200', `HTTP ${answer.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text);
  }

  async run() {
    const sdk = (key) => new Checkout(key, { subdomain: 'facesim' });
    const cko = sdk(SECRET_KEY);
    const applicants = cko.identities.applicants;
    const faces = cko.identities.faceAuthentications;

    const suffix = randomB32(12);
    const externalId = `ext_node_${suffix}`;
    const email = `hannah.${suffix}@example.com`;

    this.begin('create applicant');
    const applicant = await applicants.createApplicant({
      external_applicant_id: externalId,
      email,
      external_applicant_name: 'Hannah Bret',
    });
    const applicantId = this.field(applicant, 'id', 'applicant');
    this.match('applicant id', applicantId, /^aplt_[a-z2-7]{26}$/);
    this.eq('applicant email', this.field(applicant, 'email', 'applicant'), email);
    this.eq('applicant external_applicant_name', this.field(applicant, 'external_applicant_name', 'applicant'), 'Hannah Bret');
    this.eq('applicant external_applicant_id', this.field(applicant, 'external_applicant_id', 'applicant'), externalId);
    this.match('applicant created_on', this.field(applicant, 'created_on', 'applicant'), TIMESTAMP);
    this.match('applicant modified_on', this.field(applicant, 'modified_on', 'applicant'), TIMESTAMP);
    this.eq('applicant _links.self', this.href(applicant, 'self', 'applicant'), `${this.api}/applicants/${applicantId}`);
    this.ok(applicantId);

    this.begin('get applicant');
    const fetched = await applicants.getApplicant(applicantId);
    this.eq('applicant id', fetched.id, applicantId);
    this.eq('applicant email', fetched.email, email);
    this.eq('applicant external_applicant_id', fetched.external_applicant_id, externalId);
    this.eq('applicant created_on', fetched.created_on, applicant.created_on);
    this.ok();

    this.begin('update applicant');
    const newEmail = `h.bret.${suffix}@example.com`;
    const updated = await applicants.updateApplicant(applicantId, {
      email: newEmail,
      external_applicant_name: 'Hannah B. Bret',
    });
    this.eq('applicant id', updated.id, applicantId);
    this.eq('updated email', updated.email, newEmail);
    this.eq('updated external_applicant_name', updated.external_applicant_name, 'Hannah B. Bret');
    this.eq('external_applicant_id after update', updated.external_applicant_id, externalId);
    this.ok();

    this.begin('create face authentication');
    const journey = `usj_${randomB32(26)}`;
    const face = await faces.createFaceAuthentication({ applicant_id: applicantId, user_journey_id: journey });
    const faId = this.field(face, 'id', 'face authentication');
    this.match('face authentication id', faId, /^fav_[a-z2-7]{26}$/);
    this.eq('status', face.status, 'created');
    this.eq('applicant_id', face.applicant_id, applicantId);
    this.eq('user_journey_id', face.user_journey_id, journey);
    this.eq('response_codes', face.response_codes, []);
    this.eq('risk_labels', face.risk_labels, []);
    this.match('created_on', face.created_on, TIMESTAMP);
    this.eq('_links.self', this.href(face, 'self', 'face authentication'), `${this.api}/face-authentications/${faId}`);
    this.eq('_links.applicant', this.href(face, 'applicant', 'face authentication'), `${this.api}/applicants/${applicantId}`);
    this.ok(faId);

    this.begin('get face authentication (created)');
    let got = await faces.getFaceAuthentication(faId);
    this.eq('id', got.id, faId);
    this.eq('status', got.status, 'created');
    this.eq('response_codes', got.response_codes, []);
    this.ok();

    this.begin('create attempt');
    const first = await faces.createAttempt(faId, {
      redirect_url: REDIRECT_URL,
      client_information: { pre_selected_residence_country: 'GB', pre_selected_language: 'en-GB' },
    });
    const firstId = this.field(first, 'id', 'attempt');
    this.match('attempt id', firstId, /^fatp_[a-z2-7]{26}$/);
    this.eq('attempt status', first.status, 'pending_redirection');
    this.eq('attempt redirect_url', first.redirect_url, REDIRECT_URL);
    this.eq('attempt response_codes', first.response_codes, []);
    this.eq('attempt client_information', this.field(first, 'client_information', 'attempt'), {
      pre_selected_residence_country: 'GB',
      pre_selected_language: 'en-GB',
    });
    const firstUrl = this.href(first, 'verification_url', 'attempt');
    this.starts('_links.verification_url', firstUrl, `${this.api}/hosted/`);
    this.eq('attempt _links.self', this.href(first, 'self', 'attempt'), `${this.api}/face-authentications/${faId}/attempts/${firstId}`);
    this.ok(firstId);

    this.begin('get face authentication (pending)');
    got = await faces.getFaceAuthentication(faId);
    this.eq('status', got.status, 'pending');
    this.eq('response_codes', got.response_codes, []);
    this.ok();

    this.begin('create a second attempt while pending (reset)');
    const second = await faces.createAttempt(faId, { redirect_url: `${REDIRECT_URL}&try=2` });
    const attemptId = this.field(second, 'id', 'attempt');
    this.match('attempt id', attemptId, /^fatp_[a-z2-7]{26}$/);
    if (attemptId === firstId) this.fail('second attempt id', `an id other than ${firstId}`, attemptId);
    this.eq('attempt status', second.status, 'pending_redirection');
    const verificationUrl = this.href(second, 'verification_url', 'attempt');
    this.starts('_links.verification_url', verificationUrl, `${this.api}/hosted/`);
    if (verificationUrl === firstUrl) this.fail('second verification_url', 'a new link', verificationUrl);
    this.ok(attemptId);

    this.begin('get the replaced attempt (expired, 64001)');
    const replaced = await faces.getAttempt(faId, firstId);
    this.eq('replaced attempt status', replaced.status, 'expired');
    this.eq('replaced attempt response_codes', this.codes(replaced, 'attempt'), [[64001, 'forcibly_closed']]);
    got = await faces.getFaceAuthentication(faId);
    this.eq('face authentication status after reset', got.status, 'pending');
    this.ok();

    this.begin('complete the attempt (control API: approve)');
    let answer = await this.control(`/checkout/attempts/${attemptId}`, { action: 'approve' });
    this.eq('control answer id', answer.id, attemptId);
    this.eq('control answer attempt status', answer.status, 'checks_in_progress');
    this.ok();

    this.begin('advance the virtual clock by 2 s');
    answer = await this.control('/clock/advance', { seconds: 2 });
    this.ok(`now ${answer.now}`);

    this.begin('get face authentication (approved)');
    const done = await faces.getFaceAuthentication(faId);
    this.eq('status', done.status, 'approved');
    this.eq('response_codes', this.codes(done, 'face authentication'), [[10000, 'approved']]);
    this.eq('risk_labels', done.risk_labels, []);
    const imageUrl = this.field(this.field(done, 'face', 'face authentication'), 'image_signed_url', 'face');
    this.starts('face.image_signed_url', imageUrl, `${this.api}/assets/`);
    this.ok();

    this.begin('list attempts (newest first)');
    const list = await faces.listAttempts(faId);
    this.eq('total_count', list.total_count, 2);
    this.eq('skip', list.skip, 0);
    this.eq('limit', list.limit, 10);
    this.eq('attempts, newest first', list.data.map((a) => [a.id, a.status]), [
      [attemptId, 'completed'],
      [firstId, 'expired'],
    ]);
    this.href(list, 'self', 'attempt list');
    this.ok();

    this.begin('get attempt (completed)');
    const attempt = await faces.getAttempt(faId, attemptId);
    this.eq('attempt id', attempt.id, attemptId);
    this.eq('attempt status', attempt.status, 'completed');
    this.eq('attempt response_codes', this.codes(attempt, 'attempt'), [[10000, 'approved']]);
    this.eq('attempt redirect_url', attempt.redirect_url, `${REDIRECT_URL}&try=2`);
    this.ok();

    this.begin('get attempt assets (face_image)');
    const assets = await faces.getAttemptAssets(faId, attemptId, { skip: 0, limit: 10 });
    this.eq('assets total_count', assets.total_count, 1);
    this.eq('asset types', assets.data.map((a) => a.type), ['face_image']);
    const assetUrl = this.href(assets.data[0], 'asset_url', 'asset');
    this.starts('asset_url', assetUrl, `${this.api}/assets/`);
    const image = await fetch(assetUrl);
    const bytes = Buffer.from(await image.arrayBuffer());
    this.eq(`GET ${assetUrl} status`, image.status, 200);
    const contentType = image.headers.get('content-type') ?? '';
    this.starts('asset Content-Type', contentType, 'image/');
    const isJpeg = bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]));
    const isPng = bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    if (!isJpeg && !isPng) this.fail('asset bytes', 'a JPEG or PNG', bytes.subarray(0, 16).toString('hex'));
    this.ok(`${bytes.length} bytes of ${contentType}`);

    this.begin('409: new attempt on the approved face authentication');
    await this.apiError(() => faces.createAttempt(faId, { redirect_url: REDIRECT_URL }), 'UrlAlreadyRegistered', 409,
      'conflict', ['face_authentication_status_approved']);
    this.ok();

    this.begin('anonymize face authentication');
    const anonymized = await faces.anonymizeFaceAuthentication(faId);
    this.eq('id', anonymized.id, faId);
    this.eq('status kept', anonymized.status, 'approved');
    this.eq('response_codes kept', this.codes(anonymized, 'face authentication'), [[10000, 'approved']]);
    this.absent(anonymized, 'face', 'anonymized face authentication');
    const gone = await faces.getAttemptAssets(faId, attemptId);
    this.eq('assets after anonymize', [gone.total_count, gone.data], [0, []]);
    this.ok();

    this.begin('anonymize applicant');
    const anonymous = await applicants.anonymizeApplicant(applicantId);
    this.eq('id', anonymous.id, applicantId);
    this.absent(anonymous, 'email', 'anonymized applicant');
    this.absent(anonymous, 'external_applicant_name', 'anonymized applicant');
    this.eq('external_applicant_id kept', anonymous.external_applicant_id, externalId);
    const reread = await applicants.getApplicant(applicantId);
    this.absent(reread, 'email', 'applicant read after anonymize');
    this.absent(reread, 'external_applicant_name', 'applicant read after anonymize');
    this.ok();

    this.begin('404: unknown face authentication');
    await this.apiError(() => faces.getFaceAuthentication(`fav_${randomB32(26)}`), 'NotFoundError', 404,
      'resource_not_found', ['face_authentication_not_found']);
    this.ok();

    this.begin('404: unknown applicant');
    await this.apiError(() => applicants.getApplicant(`aplt_${randomB32(26)}`), 'NotFoundError', 404,
      'resource_not_found', ['applicant_not_found']);
    this.ok();

    this.begin('404: unknown attempt');
    await this.apiError(() => faces.getAttempt(faId, `fatp_${randomB32(26)}`), 'NotFoundError', 404,
      'resource_not_found', ['attempt_not_found']);
    this.ok();

    this.begin('422: face authentication for an unknown applicant');
    await this.apiError(
      () => faces.createFaceAuthentication({ applicant_id: `aplt_${randomB32(26)}`, user_journey_id: journey }),
      'ValidationError', 422, 'request_invalid', ['applicant_not_found']);
    this.ok();

    this.begin('401: unknown secret key');
    await this.apiError(() => sdk(UNKNOWN_SECRET_KEY).identities.faceAuthentications.getFaceAuthentication(faId),
      'AuthenticationError', 401, null, null);
    this.ok();
  }
}

async function main(argv) {
  const root = argv[2];
  if (argv.length !== 3 || !/^https?:\/\//.test(root)) {
    console.error('usage: node flow.mjs ROOT_URL   (for example http://127.0.0.1:7700)');
    return 2;
  }
  routeIdentityHostTo(root);
  console.log(`checkout-sdk-node ${SDK_VERSION} against ${root.replace(/\/+$/, '')}/checkout`);
  const flow = new Flow(root);
  try {
    await flow.run();
  } catch (err) {
    if (err instanceof StepFailed) {
      console.log(`FAIL ${flow.step}: ${err.message}`);
    } else if (err && err.http_code !== undefined) {
      console.log(`FAIL ${flow.step}: the SDK threw ${err.name}: HTTP ${err.http_code}, body ${show(err.body)}`);
    } else {
      const body = err?.body !== undefined ? `, body ${show(err.body)}` : '';
      const cause = err?.cause ? ` (caused by ${err.cause.message ?? err.cause})` : '';
      console.log(`FAIL ${flow.step}: ${err?.name}: ${err?.message}${body}${cause}`);
    }
    if (refused.length) console.log(`refused requests: ${refused.join(', ')}`);
    console.log(`${LABEL}: ${flow.passed} passed, 1 failed`);
    return 1;
  }
  if (refused.length) {
    console.log(`FAIL the SDK sent requests outside facesim: ${refused.join(', ')}`);
    console.log(`${LABEL}: ${flow.passed} passed, 1 failed`);
    return 1;
  }
  console.log(`${LABEL}: ${flow.passed} passed, 0 failed`);
  return 0;
}

process.exitCode = await main(process.argv);
