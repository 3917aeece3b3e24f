// The admin panel's preview page, for every bills operation. The form of each operation is made
// from its table (`bills.<operation>.fields`: labels, required, formats, limits, examples), and
// every keystroke runs the library's wasm validation and preview (the same rules the server
// applies). The page never holds the appKey: "Send via server" posts the operation and its
// fields to the backend, which validates again, signs and sends.
//
// URL parameters, for reproducible screenshots and demos: ?op=<operation> picks the operation;
// ?now=<ISO date-time or epoch ms> fixes the preview clock (the requestTimestamp filled in and
// the header Timestamp shown); ?nonce=<text> fixes the nonce shown.

import { bills, createNonce, init } from '/pkg/src/browser.js';

/** A short title per error code; the library's message says the rest. */
const CODE_TITLES = {
  ERR_FIELD_REQUIRED: '必填 Required',
  ERR_FIELD_LENGTH: '过长 Too long',
  ERR_FIELD_FORMAT: '格式错误 Wrong format',
  ERR_FIELD_TYPE: '类型错误 Wrong type',
  ERR_FIELD_PREFIX: '来源编号不符 Wrong prefix',
  ERR_BODY_ENCODING: '无法编码 Not encodable',
  ERR_UNKNOWN_FIELD: '未知字段 Unknown field',
  ERR_DUPLICATE_FIELD: '重复字段 Duplicate field',
  ERR_INVALID_JSON: '不是 JSON Not JSON',
  ERR_TOO_DEEP: '嵌套过深 Nested too deep',
};

/** What each format expects, for the hint under a field. */
const FORMAT_HINTS = {
  'date-time': 'yyyy-MM-dd HH:mm:ss',
  date: 'yyyy-MM-dd',
  amount: '分 fen, e.g. 2100 = 21.00 元',
  'amount-or-zero': '分 fen, 0 or more',
  url: 'http(s)://…',
  digits: 'digits',
  items: 'JSON array',
  object: 'JSON object',
};

const SIGNATURE_PLACEHOLDER = '<computed by the server>';
const $ = (id) => document.getElementById(id);

const state = {
  config: null,
  /** The operation shown: `bills[state.operation]`. */
  operation: 'preauthCancel',
  /** The preview clock: fixed by ?now=, else the instant of the last edit. */
  fixedNow: null,
  lastEdit: Date.now(),
  nonce: null,
  preview: null,
  sending: false,
};

const operation = () => bills[state.operation];

// ---------------------------------------------------------------------------------------------
// Small DOM helpers

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function showBanner(message) {
  const banner = $('banner');
  banner.textContent = message;
  banner.hidden = false;
}

/** Each non-ASCII character marked with its UTF-8 bytes; the text itself is left exactly as is. */
function exactBytesView(text) {
  const encoder = new TextEncoder();
  const nodes = [];
  let ascii = '';
  for (const char of text) {
    const code = char.codePointAt(0);
    if (code < 0x80) {
      ascii += char;
      continue;
    }
    if (ascii) nodes.push(document.createTextNode(ascii));
    ascii = '';
    const bytes = Array.from(encoder.encode(char), (b) => b.toString(16).padStart(2, '0')).join(' ');
    const hex = code.toString(16).toUpperCase().padStart(4, '0');
    nodes.push(el('span', { class: 'multibyte', title: `U+${hex} · UTF-8 ${bytes}` }, char));
  }
  if (ascii) nodes.push(document.createTextNode(ascii));
  return nodes;
}

function markedAuthorization(header) {
  const at = header.lastIndexOf(SIGNATURE_PLACEHOLDER);
  if (at < 0) return [header];
  return [header.slice(0, at), el('span', { class: 'placeholder', text: SIGNATURE_PLACEHOLDER }), header.slice(at + SIGNATURE_PLACEHOLDER.length)];
}

// ---------------------------------------------------------------------------------------------
// The form, made from the operation's table

/** Whether a field is optional to the person filling the form (the builder fills defaults). */
const optional = (field) => !field.required || field.default !== undefined;

function hintText(field) {
  const parts = [optional(field) ? '可选 optional' : null];
  if (field.default === 'the request time') parts.push('自动 from the clock');
  else if (field.default !== undefined) parts.push(`default ${field.default}`);
  parts.push(FORMAT_HINTS[field.format] ?? null);
  if (field.maxLength !== null) parts.push(`≤ ${field.maxLength}`);
  if (field.msgSrcIdPrefix) parts.push('starts with msgSrcId');
  return parts.filter(Boolean).join(' · ');
}

/** The control of a field: a select for flags and words, a JSON text area for arrays and objects, else a text input. */
function control(field) {
  const common = { id: `f-${field.name}`, name: field.name, title: field.note, 'aria-describedby': `h-${field.name} e-${field.name}`, 'data-format': field.format };
  if (field.format === 'flag' || field.format === 'one-of') {
    const words = field.format === 'flag' ? ['true', 'false'] : field.values;
    return el('select', common, el('option', { value: '', text: '—' }), ...words.map((w) => el('option', { value: w, text: w })));
  }
  if (field.format === 'items' || field.format === 'object') {
    return el('textarea', { ...common, rows: 2, spellcheck: 'false', placeholder: JSON.stringify(field.example) });
  }
  const example = typeof field.example === 'string' && field.example !== '' ? field.example : null;
  return el('input', { ...common, type: 'text', spellcheck: 'false', placeholder: field.default === 'the request time' ? '自动 from the clock' : (field.default ?? example) });
}

function fieldBlock(field) {
  const input = control(field);
  const extra = field.default === 'the request time' ? el('button', { type: 'button', class: 'mini refresh-clock', title: 'Take the clock again', text: '↻' }) : null;
  return el(
    'div',
    { class: 'field', 'data-field': field.name },
    el('label', { for: input.id, title: field.note }, el('span', { class: 'zh', text: field.label.zh }), ' ', el('span', { class: 'en', lang: 'en', text: field.label.en }), el('code', { class: 'name', text: field.name })),
    el('div', { class: 'input-row' }, input, extra),
    el('p', { class: 'hint', id: `h-${field.name}`, text: hintText(field) }),
    el('p', { class: 'issue', id: `e-${field.name}`, hidden: true }),
  );
}

/** Builds the form of the current operation: required fields and those with a sample first, the rest folded. */
function buildForm() {
  const sample = state.config.samples?.[state.operation] ?? {};
  const { fields, summary, oneOf } = operation();
  const shown = fields.filter((f) => !optional(f) || f.name in sample || oneOf.includes(f.name) || f.default !== undefined);
  const folded = fields.filter((f) => !shown.includes(f));
  const more = folded.length > 0 ? el('details', { class: 'more' }, el('summary', { text: `其他可选字段 Other optional fields (${folded.length})` }), el('div', { class: 'fields' }, ...folded.map(fieldBlock))) : null;
  $('fields').replaceChildren(...shown.map(fieldBlock));
  $('more-fields').replaceChildren(...(more ? [more] : []));
  $('form-title').replaceChildren(el('code', { text: operation().path }), ' ', el('span', { lang: 'en', text: summary.en }));
  document.title = `${summary.zh} ${operation().endpoint} · admin preview`;
  for (const [name, value] of Object.entries(sample)) {
    const input = $(`f-${name}`);
    if (input) input.value = typeof value === 'string' ? value : JSON.stringify(value);
  }
  for (const button of document.querySelectorAll('.refresh-clock')) button.addEventListener('click', () => edited());
  $('result').hidden = true;
}

/**
 * The input as typed: empty fields are left out (the builder's defaults), JSON fields parsed.
 * `{ input, unreadable }`: fields whose JSON cannot be read are reported by the page itself.
 */
function formInput() {
  const input = {};
  const unreadable = [];
  for (const field of operation().fields) {
    const value = $(`f-${field.name}`)?.value ?? '';
    if (value === '') continue;
    if (field.format !== 'items' && field.format !== 'object') {
      input[field.name] = value;
      continue;
    }
    try {
      input[field.name] = JSON.parse(value);
    } catch (error) {
      unreadable.push({ field: field.name, code: 'ERR_INVALID_JSON', message: `${field.name} is not JSON (${error.message})` });
    }
  }
  return { input, unreadable };
}

/** The form field an issue is about (`goods[0].price` → `goods`). */
const fieldOf = (issue) => issue.field?.split(/[.[]/)[0] ?? null;

function showIssues(issues) {
  const byField = new Map();
  const others = [];
  const names = operation().fields.map((f) => f.name);
  for (const issue of issues) {
    const name = fieldOf(issue);
    if (names.includes(name) && !byField.has(name)) byField.set(name, issue);
    else others.push(issue);
  }
  for (const name of names) {
    const issue = byField.get(name);
    const message = $(`e-${name}`);
    const input = $(`f-${name}`);
    input.setAttribute('aria-invalid', issue ? 'true' : 'false');
    input.closest('.field').classList.toggle('invalid', Boolean(issue));
    if (issue) input.closest('details')?.setAttribute('open', '');
    message.hidden = !issue;
    message.replaceChildren();
    if (issue) {
      message.dataset.code = issue.code;
      message.append(el('strong', { text: CODE_TITLES[issue.code] ?? issue.code }), ' ', el('code', { class: 'code', text: issue.code }), el('br'), issue.message);
    } else {
      delete message.dataset.code;
    }
  }
  const list = $('form-issues');
  list.replaceChildren(...others.map((i) => el('li', { 'data-code': i.code }, el('code', { text: i.code }), ` ${i.field ?? 'input'}: ${i.message}`)));
  list.hidden = others.length === 0;
}

// ---------------------------------------------------------------------------------------------
// The preview

function previewNow() {
  return state.fixedNow ?? state.lastEdit;
}

function renderPreview() {
  const { config } = state;
  const { input, unreadable } = formInput();
  let preview;
  try {
    preview = operation().preview(input, { baseUrl: config.baseUrl, appId: config.appId, msgSrcId: config.msgSrcId ?? undefined, now: previewNow(), nonce: state.nonce });
  } catch (error) {
    // Options come from the server's config; a failure here is a configuration problem.
    showBanner(`预览失败 Preview failed: ${error.code ?? ''} ${error.message}`);
    state.preview = null;
    updateSendButton();
    return;
  }
  if (unreadable.length > 0) preview = { ...preview, ok: false, issues: [...unreadable, ...preview.issues] };
  state.preview = preview;
  showIssues(preview.issues);
  $('p-auth').replaceChildren(...markedAuthorization(preview.authorization));
  $('p-url').textContent = preview.ok ? preview.request.url : `${config.baseUrl.replace(/\/$/, '')}${operation().path}`;

  const time = preview.ok ? JSON.parse(preview.request.body).requestTimestamp : null;
  const clockHint = $('h-requestTimestamp');
  if (clockHint) clockHint.textContent = $('f-requestTimestamp').value === '' && time ? `自动 from the clock: ${time}` : hintText(operation().fields[0]);

  document.body.classList.toggle('has-issues', !preview.ok);
  if (preview.ok) {
    const { body } = preview.request;
    $('p-bytes').textContent = String(preview.bodyBytes.length);
    $('p-digest').textContent = preview.bodyDigest;
    $('p-body-exact').replaceChildren(...exactBytesView(body));
    $('p-body-pretty').textContent = JSON.stringify(JSON.parse(body), null, 2);
    $('p-curl').textContent = preview.curl;
    $('body-caption').textContent =
      $('tab-exact').getAttribute('aria-selected') === 'true'
        ? `These ${preview.bodyBytes.length} bytes, exactly, are signed and sent (one line; characters outside ASCII are underlined: hover for their bytes).`
        : 'Formatted for reading only: the bytes sent are the exact view.';
  } else {
    const count = preview.issues.length;
    $('p-bytes').textContent = '–';
    $('p-digest').textContent = '–';
    $('p-body-exact').textContent = `请先修正 Fix ${count === 1 ? 'the marked field' : `the ${count} marked fields`} to see the body.`;
    $('p-body-pretty').textContent = $('p-body-exact').textContent;
    $('p-curl').textContent = '';
    $('body-caption').textContent = '';
  }
  $('copy-curl').disabled = !preview.ok;
  updateSendButton();
}

function edited() {
  state.lastEdit = Date.now();
  renderPreview();
}

function updateSendButton() {
  const ready = state.preview?.ok === true && !state.sending;
  $('send').disabled = !ready;
  const issues = state.preview?.issues.length ?? 0;
  $('send-state').textContent = state.sending
    ? '发送中 Sending…'
    : state.preview === null
      ? ''
      : state.preview.ok
        ? '可以发送 Ready to send'
        : `${issues} 处需修正 ${issues === 1 ? 'field needs' : 'fields need'} fixing`;
}

function selectTab(exact) {
  $('tab-exact').setAttribute('aria-selected', String(exact));
  $('tab-pretty').setAttribute('aria-selected', String(!exact));
  $('p-body-exact').hidden = !exact;
  $('p-body-pretty').hidden = exact;
  renderPreview();
}

async function copyCurl() {
  const text = $('p-curl').textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard permission denied (or no clipboard API): select the text for Ctrl-C instead.
    getSelection().selectAllChildren($('p-curl'));
    $('copied').textContent = '已选中 Selected: press Ctrl-C';
    return;
  }
  $('copied').textContent = '已复制 Copied ✓';
  setTimeout(() => ($('copied').textContent = ''), 2000);
}

// ---------------------------------------------------------------------------------------------
// Sending through the server

const yuan = (fen) => (typeof fen === 'number' ? `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')} 元` : null);

/** Authentication failures are the gateway's (non-2xx); business refusals come with HTTP 200. */
function refusalTitle(status, errCode) {
  return status >= 200 && status < 300 ? `✗ 未完成 Refused: ${errCode}` : `✗ 网关拒绝 Rejected by the gateway: HTTP ${status} ${errCode}`;
}

function row(label, ...value) {
  return el('div', { class: 'row' }, el('dt', { text: label }), el('dd', {}, ...value));
}

function sentDetails(sent, preview) {
  const identical = sent.body === preview.request.body && sent.bodyDigest === preview.bodyDigest;
  return [
    el(
      'p',
      { class: `match ${identical ? 'same' : 'different'}`, id: 'digest-match', 'data-identical': String(identical) },
      identical ? '✓ 与预览逐字节一致 Identical to the preview, byte for byte' : '✗ 与预览不同 Differs from the preview',
      el('br'),
      `sent ${sent.bodyBytes} bytes · SHA-256 `,
      el('code', { id: 'sent-digest', text: sent.bodyDigest }),
    ),
    el(
      'details',
      {},
      el('summary', { text: '已发送的请求 Request sent (Signature redacted)' }),
      el('pre', { class: 'sent', id: 'sent-request', text: `${sent.method} ${sent.url}\n${Object.entries(sent.headers).map(([n, v]) => `${n}: ${v}`).join('\n')}\n\n${sent.body}` }),
    ),
  ];
}

function renderResult(httpStatus, answer, preview) {
  const box = $('result');
  box.hidden = false;
  const parts = [];
  let outcome;
  if (httpStatus === 422 && answer?.error?.issues) {
    outcome = 'invalid';
    showIssues(answer.error.issues);
    parts.push(el('h3', { text: '✗ 服务器校验未通过 The server refused the fields' }), el('p', { id: 'result-errMsg', text: answer.error.issues.map((i) => `${i.field}: ${i.message}`).join('; ') }));
  } else if (answer?.response) {
    const r = answer.response;
    outcome = r.ok ? 'success' : 'rejected';
    parts.push(
      el('h3', { text: r.ok ? `✓ ${operation().summary.zh} ${operation().endpoint}: SUCCESS` : refusalTitle(answer.status, r.errCode) }),
      el(
        'dl',
        { class: 'facts' },
        r.billStatus ? row('billStatus', el('b', { id: 'result-billStatus', class: 'status', text: r.billStatus })) : null,
        row('errCode', el('code', { id: 'result-errCode', text: r.errCode }), ` · HTTP ${answer.status}`),
        r.errMsg ? row('errMsg', el('span', { id: 'result-errMsg', text: r.errMsg })) : null,
        r.billPayment ? row('billPayment', `${r.billPayment.status ?? ''} · ${yuan(r.billPayment.totalAmount) ?? ''} · ${r.billPayment.merOrderId ?? ''}`) : null,
        r.billQRCode ? row('billQRCode', el('code', { id: 'result-billQRCode', text: r.billQRCode })) : null,
        r.qrCodeId ? row('qrCodeId', el('code', { id: 'result-qrCodeId', text: r.qrCodeId })) : null,
        r.refundStatus ? row('refundStatus', el('b', { id: 'result-refundStatus', text: r.refundStatus }), ` · ${yuan(r.refundAmount) ?? ''}`) : null,
      ),
    );
  } else {
    outcome = 'error';
    const error = answer?.error ?? { code: `HTTP ${httpStatus}`, message: 'no answer from the server' };
    parts.push(el('h3', { text: '✗ 发送失败 Not sent' }), el('p', {}, el('code', { id: 'result-errCode', text: error.code }), ' ', el('span', { id: 'result-errMsg', text: error.message })));
  }
  if (answer?.sent) parts.push(...sentDetails(answer.sent, preview));
  box.dataset.outcome = outcome;
  box.className = `result ${outcome}`;
  box.replaceChildren(...parts);
}

async function send(event) {
  event.preventDefault();
  const preview = state.preview;
  if (!preview?.ok || state.sending) return;
  // Send the previewed requestTimestamp with the fields, so the server builds these very bytes.
  const input = { ...formInput().input, requestTimestamp: JSON.parse(preview.request.body).requestTimestamp };
  state.sending = true;
  updateSendButton();
  $('result').dataset.outcome = 'pending';
  try {
    const response = await fetch('/api/send', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ operation: state.operation, input }),
    });
    let answer = null;
    try {
      answer = await response.json();
    } catch {
      // Rendered as "no answer" below.
    }
    renderResult(response.status, answer, preview);
  } catch (error) {
    renderResult(0, { error: { code: 'NETWORK', message: `the server did not answer (${error.message})` } }, preview);
  } finally {
    state.sending = false;
    updateSendButton();
  }
}

// ---------------------------------------------------------------------------------------------

function readUrlParameters() {
  const params = new URLSearchParams(location.search);
  const now = params.get('now');
  if (now !== null) {
    const ms = /^\d+$/.test(now) ? Number(now) : Date.parse(now);
    if (Number.isFinite(ms)) state.fixedNow = ms;
    else showBanner(`?now=${now} is neither epoch milliseconds nor an ISO date-time; using the clock`);
  }
  const op = params.get('op');
  if (op !== null) {
    if (Object.hasOwn(bills, op)) state.operation = op;
    else showBanner(`?op=${op} is not an operation; one of ${Object.keys(bills).join(', ')}`);
  }
  state.nonce = params.get('nonce') ?? createNonce();
}

function chooseOperation(name) {
  state.operation = name;
  $('operation').value = name;
  buildForm();
  edited();
}

async function start() {
  try {
    const [config] = await Promise.all([
      fetch('/api/config').then((r) => {
        if (!r.ok) throw new Error(`GET /api/config answered ${r.status}`);
        return r.json();
      }),
      init(),
    ]);
    state.config = config;
  } catch (error) {
    showBanner(`无法启动 Cannot start: ${error.message}`);
    $('send-state').textContent = '';
    return;
  }
  readUrlParameters();
  const { config } = state;
  $('target').textContent = `AppId ${config.appId} → ${config.baseUrl}`;
  $('target').title = config.gateway ?? '';
  const picker = $('operation');
  picker.replaceChildren(...Object.values(bills).map((op) => el('option', { value: op.name, text: `${op.summary.zh} · ${op.endpoint}` })));
  picker.addEventListener('change', () => chooseOperation(picker.value));
  picker.value = state.operation;
  buildForm();

  $('request-form').addEventListener('input', edited);
  $('request-form').addEventListener('submit', send);
  $('tab-exact').addEventListener('click', () => selectTab(true));
  $('tab-pretty').addEventListener('click', () => selectTab(false));
  $('copy-curl').addEventListener('click', copyCurl);
  renderPreview();
  document.documentElement.dataset.ready = 'true';
}

start();
