// The control page: reads the control API every few seconds and sends its forms as JSON.
// Every URL is relative to the page, which is served at {root}/_facesim/.
'use strict';

const REFRESH_MS = 3000;
const $ = (id) => document.getElementById(id);

/** The namespace the page acts in: what the namespace field says, or '' for the default one. */
let namespace = '';

/** Calls a control endpoint in the chosen namespace; resolves with {status, body} (body parsed when JSON). */
async function call(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' } };
  if (namespace) init.headers['Facesim-Namespace'] = namespace;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const json = (response.headers.get('Content-Type') || '').includes('json');
  return { status: response.status, body: json && text ? JSON.parse(text) : text };
}

/** Reads a JSON endpoint that must answer 200. */
async function read(path) {
  const { status, body } = await call('GET', path);
  if (status !== 200) throw new Error(`${path}: ${status} ${describe(body)}`);
  return body;
}

function describe(body) {
  return typeof body === 'object' && body !== null && body.message ? body.message : String(body);
}

function say(text, failed = false) {
  const message = $('message');
  message.textContent = text;
  message.className = failed ? 'failed' : 'done';
}

/** An element with text or children. */
function el(tag, content, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const part of [].concat(content ?? [])) {
    node.append(part instanceof Node ? part : String(part));
  }
  return node;
}

/** Nanosecond timestamps shortened to milliseconds. */
function time(value) {
  return typeof value === 'string' ? value.replace(/(\.\d{3})\d+/, '$1') : value;
}

function codes(list) {
  return (list || []).map((c) => (typeof c === 'object' ? c.code : c)).join(', ');
}

/** A table of `rows` with `columns` [[heading, row => cell], ...], or a note when empty. */
function table(caption, columns, rows, total) {
  if (!rows.length) return el('p', `${caption}: none`, 'muted');
  const more = total > rows.length ? ` (${rows.length} of ${total})` : ` (${rows.length})`;
  const head = el('tr', columns.map(([name]) => el('th', name)));
  head.querySelectorAll('th').forEach((th) => th.setAttribute('scope', 'col'));
  const body = rows.map((row) => el('tr', columns.map(([, cell]) => el('td', cell(row) ?? ''))));
  return el('div', el('table', [el('caption', caption + more), el('thead', head), el('tbody', body)]), 'scroll');
}

function show(id, content) {
  const target = $(id);
  target.className = '';
  target.replaceChildren(...[].concat(content));
}

function showError(id, error) {
  const target = $(id);
  target.className = 'failed';
  target.textContent = error.message;
}

function renderClock(clock) {
  $('clock-now').textContent = time(clock.now);
  $('clock-offset').textContent = `${clock.offset_seconds} s`;
}

/** The summary: one table per vendor resource, a column per status. */
function renderSummary(state) {
  const counts = (name, { total, by_status, by_operation }) => {
    const parts = Object.entries(by_status || by_operation || {});
    const each = parts.map(([k, v]) => el('span', `${k} ${v}`, v ? 'count' : 'count zero'));
    return el('tr', [el('th', name), el('td', total), el('td', each)]);
  };
  const rows = [
    counts('Truora enrollments', state.truora.enrollments),
    counts('Truora validations', state.truora.validations),
    el('tr', [el('th', 'Checkout applicants'), el('td', state.checkout.applicants), el('td', '')]),
    counts('Checkout face authentications', state.checkout.face_authentications),
    counts('Checkout attempts', state.checkout.attempts),
    el('tr', [el('th', 'Truora armed outcomes'), el('td', state.truora.armed_outcomes), el('td', '')]),
    el('tr', [el('th', 'Checkout armed outcomes'), el('td', state.checkout.armed_outcomes), el('td', '')]),
    counts('Trustmatic armed outcomes', state.trustmatic.outcomes),
  ];
  rows.forEach((row) => row.firstChild.setAttribute('scope', 'row'));
  const head = el('tr', ['Resource', 'Total', 'By status'].map((h) => el('th', h)));
  show('summary-body', [
    el('p', `Settled at virtual time ${time(state.now)}`, 'muted'),
    el('div', el('table', [el('caption', 'Counts'), el('thead', head), el('tbody', rows)]), 'scroll'),
  ]);
}

function renderTruora(state) {
  show('truora-lists', [
    table('Enrollments', [
      ['ID', (e) => e.enrollment_id], ['Account', (e) => e.account_id], ['Status', (e) => e.status],
      ['Reason', (e) => e.reason], ['Updated', (e) => time(e.update_date)],
    ], state.enrollments.items, state.enrollments.total),
    table('Validations', [
      ['ID', (v) => v.validation_id], ['Account', (v) => v.account_id], ['Status', (v) => v.validation_status],
      ['Failure', (v) => v.failure_status], ['Declined', (v) => v.declined_reason],
      ['Updated', (v) => time(v.update_date)],
    ], state.validations.items, state.validations.total),
  ]);
}

function renderCheckout(state) {
  const attempts = state.face_authentications.items.flatMap((fa) =>
    fa.attempts.items.map((a) => ({ ...a, face_authentication_id: fa.id })));
  $('applicant-ids').replaceChildren(...state.applicants.items.map((a) => {
    const option = el('option');
    option.value = a.id;
    return option;
  }));
  $('attempt-ids').replaceChildren(...attempts.map((a) => {
    const option = el('option');
    option.value = a.id;
    option.label = `${a.status} (${a.face_authentication_id})`;
    return option;
  }));
  show('checkout-lists', [
    table('Applicants', [
      ['ID', (a) => a.id], ['External ID', (a) => a.external_applicant_id],
      ['Reference', (a) => (a.has_reference ? 'yes' : 'no')], ['Created', (a) => time(a.created_on)],
    ], state.applicants.items, state.applicants.total),
    table('Face authentications', [
      ['ID', (f) => f.id], ['Applicant', (f) => f.applicant_id], ['Status', (f) => f.status],
      ['Codes', (f) => codes(f.response_codes)], ['Attempts', (f) => f.attempts.total],
      ['Modified', (f) => time(f.modified_on)],
    ], state.face_authentications.items, state.face_authentications.total),
    table('Attempts', [
      ['ID', (a) => a.id], ['Face authentication', (a) => a.face_authentication_id], ['Status', (a) => a.status],
      ['Codes', (a) => codes(a.response_codes)], ['Modified', (a) => time(a.modified_on)],
      ['', (a) => button('Choose', `Choose attempt ${a.id}`, () => chooseAttempt(a.id))],
    ], attempts, attempts.length),
  ]);
}

function button(text, label, onClick) {
  const node = el('button', text);
  node.type = 'button';
  node.setAttribute('aria-label', label);
  node.addEventListener('click', onClick);
  return node;
}

function chooseAttempt(id) {
  $('attempt-id').value = id;
  $('attempt-id').focus();
}

function renderOutcomes(state) {
  show('trustmatic-list', table('Armed outcomes', [
    ['ID', (o) => o.id], ['Operation', (o) => o.operation ?? 'any'], ['Session', (o) => o.sessionId ?? 'any'],
    ['Answer', (o) => ('error' in o ? `error ${o.error}` : `score ${o.score}`)], ['Remaining', (o) => o.remaining],
    ['', (o) => button('Disarm', `Disarm ${o.id}`, () => act('DELETE', `trustmatic/outcomes/${encodeURIComponent(o.id)}`, undefined, `Disarmed ${o.id}`))],
  ], state.outcomes.items, state.outcomes.total));
}

/** The outcomes armed per account or applicant of `vendor` (`truora`, `checkout`). */
function renderArmed(vendor, target, heading) {
  return (body) => show(`${vendor}-outcomes-list`, table('Armed outcomes', [
    ['ID', (o) => o.id], [heading, (o) => o[target]], ['Outcome', (o) => o.outcome],
    ['Remaining', (o) => o.remaining],
    ['', (o) => button('Disarm', `Disarm ${vendor === 'truora' ? 'Truora' : 'Checkout'} ${o.id}`,
      () => act('DELETE', `${vendor}/outcomes/${encodeURIComponent(o.id)}`, undefined, `Disarmed ${o.id}`))],
  ], body.outcomes, body.outcomes.length));
}

function journalPath() {
  const query = new URLSearchParams();
  const api = $('journal-api').value;
  if (api) query.set('api', api);
  query.set('limit', $('journal-limit').value || '25');
  return `journal?${query}`;
}

function renderJournal(journal) {
  const note = el('p', `capacity ${journal.capacity}, dropped ${journal.dropped}`, 'muted');
  show('journal-list', [note, table('Latest requests', [
    ['#', (e) => e.seq], ['Time', (e) => time(e.time)], ['Method', (e) => e.method],
    ['Path', (e) => (e.query ? `${e.path}?${e.query}` : e.path)], ['API', (e) => e.api],
    ['Status', (e) => e.status], ['Error', (e) => e.error_code], ['ms', (e) => e.latency_ms],
  ], journal.entries, journal.entries.length)]);
}

function renderRules(body) {
  const rules = body.rules || [];
  show('rules-list', rules.length
    ? el('pre', JSON.stringify(rules, null, 2))
    : el('p', 'No scenario rules in force.', 'muted'));
}

/** The catalogue when the endpoint answers 200, else a note. */
async function refreshCatalogue() {
  try {
    const { status, body } = await call('GET', 'catalogue');
    if (status !== 200) throw new Error(String(status));
    show('catalogue-body', el('pre', typeof body === 'string' ? body : JSON.stringify(body, null, 2)));
  } catch {
    show('catalogue-body', el('p', 'catalogue not available', 'muted'));
  }
}

/** What each panel last drew, by element ID. */
const drawn = new Map();

/** Reads every panel; a panel whose endpoint fails shows why, the others still update. */
async function refresh() {
  const panels = [
    ['clock', renderClock, 'clock-now'],
    ['state', renderSummary, 'summary-body'],
    ['state/truora', renderTruora, 'truora-lists'],
    ['state/checkout', renderCheckout, 'checkout-lists'],
    ['state/trustmatic', renderOutcomes, 'trustmatic-list'],
    ['truora/outcomes', renderArmed('truora', 'account_id', 'Account'), 'truora-outcomes-list'],
    ['checkout/outcomes', renderArmed('checkout', 'applicant_id', 'Applicant'), 'checkout-outcomes-list'],
    [journalPath(), renderJournal, 'journal-list'],
    ['scenarios/rules', renderRules, 'rules-list'],
  ];
  await Promise.all(panels.map(async ([path, render, id]) => {
    try {
      const data = await read(path);
      // Unchanged data is not drawn again, so focus and selection stay where they are.
      const seen = JSON.stringify({ ...data, now: id === 'clock-now' ? data.now : undefined });
      if (drawn.get(id) === seen) return;
      render(data);
      drawn.set(id, seen);
    } catch (error) {
      drawn.delete(id);
      showError(id, error);
    }
  }));
  $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
  await listNamespaces();
}

/** Offers the namespaces facesim holds as choices of the namespace field. */
async function listNamespaces() {
  try {
    const { status, body } = await call('GET', 'namespaces');
    if (status !== 200) return;
    const names = body.namespaces.map((n) => n.name);
    if (drawn.get('namespaces') === names.join(' ')) return;
    drawn.set('namespaces', names.join(' '));
    $('namespace-names').replaceChildren(...names.map((name) => {
      const option = document.createElement('option');
      option.value = name;
      return option;
    }));
  } catch {
    // The field still takes any name.
  }
}

/** Switches every panel and form to the namespace in the field. */
function chooseNamespace() {
  const field = $('namespace');
  if (!field.checkValidity()) {
    say(`Namespace: ${field.validationMessage}`, true);
    return;
  }
  const chosen = field.value.trim();
  namespace = chosen === 'default' ? '' : chosen;
  drawn.clear();
  say(namespace ? `Showing namespace ${namespace}` : 'Showing the default namespace');
  refresh();
}

/** Sends a control action, reports its outcome and refreshes. */
async function act(method, path, body, done) {
  try {
    const { status, body: answer } = await call(method, path, body);
    if (status >= 400) say(`${method} ${path}: ${status} ${describe(answer)}`, true);
    else say(typeof done === 'function' ? done(answer) : done);
  } catch (error) {
    say(`${method} ${path}: ${error.message}`, true);
  }
  await refresh();
}

function onSubmit(id, handler) {
  $(id).addEventListener('submit', (event) => {
    event.preventDefault();
    handler(new FormData(event.target));
  });
}

function armBody(form) {
  const body = {};
  if (form.get('operation')) body.operation = form.get('operation');
  if (form.get('sessionId')) body.sessionId = form.get('sessionId');
  if (form.get('kind') === 'score') body.score = Number(form.get('score'));
  else body.error = form.get('error');
  if (form.get('times')) body.times = Number(form.get('times'));
  return body;
}

/** `{<target>, outcome, times}` from a form that arms an outcome per account or applicant. */
function targetedBody(form, target) {
  const body = { [target]: String(form.get(target)).trim(), outcome: String(form.get('outcome')).trim() };
  if (form.get('times')) body.times = Number(form.get('times'));
  return body;
}

function wire() {
  onSubmit('namespace-form', () => chooseNamespace());
  $('namespace').addEventListener('change', () => chooseNamespace());
  onSubmit('advance-form', (form) => act('POST', 'clock/advance', { seconds: Number(form.get('seconds')) },
    (clock) => `Clock advanced to ${time(clock.now)}`));
  onSubmit('arm-form', (form) => act('POST', 'trustmatic/outcomes', armBody(form),
    (o) => `Armed ${o.id}`));
  $('disarm-all').addEventListener('click', () =>
    act('DELETE', 'trustmatic/outcomes', undefined, 'Disarmed every outcome'));
  onSubmit('truora-arm-form', (form) => act('POST', 'truora/outcomes', targetedBody(form, 'account_id'),
    (o) => `Armed ${o.id} for account ${o.account_id}`));
  $('truora-disarm-all').addEventListener('click', () =>
    act('DELETE', 'truora/outcomes', undefined, 'Disarmed every Truora outcome'));
  onSubmit('checkout-arm-form', (form) => act('POST', 'checkout/outcomes', targetedBody(form, 'applicant_id'),
    (o) => `Armed ${o.id} for applicant ${o.applicant_id}`));
  $('checkout-disarm-all').addEventListener('click', () =>
    act('DELETE', 'checkout/outcomes', undefined, 'Disarmed every Checkout outcome'));
  onSubmit('attempt-form', (form) => {
    const id = String(form.get('attempt')).trim();
    const body = { action: form.get('action') };
    if (form.get('code')) body.code = Number(form.get('code'));
    act('POST', `checkout/attempts/${encodeURIComponent(id)}`, body, (a) => `Attempt ${id} is ${a.status}`);
  });
  onSubmit('reset-form', (form) => {
    const vendor = form.get('vendor');
    act('POST', vendor ? `reset?vendor=${vendor}` : 'reset', undefined,
      (r) => `Reset ${r.vendors.join(', ')}${r.clock_reset ? ' and the clock' : ''}`);
  });
  onSubmit('journal-form', () => refresh());
  $('journal-api').addEventListener('change', () => refresh());
  $('journal-limit').addEventListener('change', () => refresh());
  $('refresh-now').addEventListener('click', () => {
    refresh();
    refreshCatalogue();
  });
}

let timer;
function schedule() {
  clearInterval(timer);
  if ($('auto-refresh').checked) timer = setInterval(refresh, REFRESH_MS);
}

wire();
$('auto-refresh').addEventListener('change', schedule);
schedule();
refresh();
refreshCatalogue();
