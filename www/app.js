// The admin panel's preview page. Every keystroke runs the library's wasm validation and
// preview (the same rules the server applies); the page never holds the appKey: "Send via
// server" posts the fields to the backend, which validates again, signs and sends.
//
// URL parameters, for reproducible screenshots and demos: ?now=<ISO date-time or epoch ms>
// fixes the preview clock (the requestTimestamp filled in and the header Timestamp shown);
// ?nonce=<text> fixes the nonce shown.

import { createNonce, init, previewPreauthCancel } from '/pkg/src/browser.js';

/** The platform table's fields, in its order, with its Chinese names. */
const FIELDS = [
  { name: 'requestTimestamp', zh: '报文请求时间', en: 'Request time', optional: true, placeholder: '自动 from the clock', hint: 'yyyy-MM-dd HH:mm:ss' },
  { name: 'mid', zh: '商户号', en: 'Merchant ID' },
  { name: 'tid', zh: '终端号', en: 'Terminal ID' },
  { name: 'instMid', zh: '业务类型', en: 'Business type', optional: true, placeholder: 'QRPAYDEFAULT', hint: 'default QRPAYDEFAULT' },
  { name: 'billNo', zh: '账单号', en: 'Bill number' },
  { name: 'billDate', zh: '账单日期', en: 'Bill date', hint: 'yyyy-MM-dd' },
  { name: 'merOrderId', zh: '预授权订单号', en: 'Preauth order ID' },
  { name: 'authIdRespCd', zh: '授权标识应答码', en: 'Auth code' },
  { name: 'msgId', zh: '消息ID', en: 'Message ID', optional: true, hint: 'echoed back' },
  { name: 'srcReserve', zh: '请求系统预留字段', en: 'Reserved', optional: true, hint: 'echoed back' },
];

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
};

const SIGNATURE_PLACEHOLDER = '<computed by the server>';
const $ = (id) => document.getElementById(id);

const state = {
  config: null,
  /** The preview clock: fixed by ?now=, else the instant of the last edit. */
  fixedNow: null,
  lastEdit: Date.now(),
  nonce: null,
  preview: null,
  sending: false,
};

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
// The form

function hintText(field, detail = field.hint) {
  return [field.optional ? '可选 optional' : null, detail].filter(Boolean).join(' · ');
}

function buildForm() {
  const container = $('fields');
  for (const field of FIELDS) {
    const id = `f-${field.name}`;
    const label = el(
      'label',
      { for: id },
      el('span', { class: 'zh', text: field.zh }),
      ' ',
      el('span', { class: 'en', lang: 'en', text: field.en }),
      el('code', { class: 'name', text: field.name }),
    );
    const input = el('input', {
      id,
      name: field.name,
      type: 'text',
      spellcheck: 'false',
      placeholder: field.placeholder,
      'aria-describedby': `h-${field.name} e-${field.name}`,
    });
    const extra = field.name === 'requestTimestamp' ? el('button', { type: 'button', id: 'refresh-clock', class: 'mini', title: 'Take the clock again', text: '↻' }) : null;
    container.append(
      el(
        'div',
        { class: 'field', 'data-field': field.name },
        label,
        el('div', { class: 'input-row' }, input, extra),
        el('p', { class: 'hint', id: `h-${field.name}`, text: hintText(field) }),
        el('p', { class: 'issue', id: `e-${field.name}`, hidden: true }),
      ),
    );
  }
}

/** The input exactly as typed: optional fields left empty are omitted (the builder's defaults). */
function formInput() {
  const input = {};
  for (const field of FIELDS) {
    const value = $(`f-${field.name}`).value;
    if (field.optional && value === '') continue;
    input[field.name] = value;
  }
  return input;
}

function showIssues(issues) {
  const byField = new Map();
  const others = [];
  for (const issue of issues) {
    if (FIELDS.some((f) => f.name === issue.field) && !byField.has(issue.field)) byField.set(issue.field, issue);
    else others.push(issue);
  }
  for (const field of FIELDS) {
    const issue = byField.get(field.name);
    const message = $(`e-${field.name}`);
    const input = $(`f-${field.name}`);
    input.setAttribute('aria-invalid', issue ? 'true' : 'false');
    input.closest('.field').classList.toggle('invalid', Boolean(issue));
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
  let preview;
  try {
    preview = previewPreauthCancel(formInput(), {
      baseUrl: config.baseUrl,
      appId: config.appId,
      msgSrcId: config.msgSrcId ?? undefined,
      now: previewNow(),
      nonce: state.nonce,
    });
  } catch (error) {
    // Options come from the server's config; a failure here is a configuration problem.
    showBanner(`预览失败 Preview failed: ${error.code ?? ''} ${error.message}`);
    state.preview = null;
    updateSendButton();
    return;
  }
  state.preview = preview;
  showIssues(preview.issues);
  $('p-auth').replaceChildren(...markedAuthorization(preview.authorization));
  $('p-url').textContent = preview.ok ? preview.request.url : `${config.baseUrl.replace(/\/$/, '')}/v1/netpay/bills/preauth-cancel`;

  const time = preview.ok ? JSON.parse(preview.request.body).requestTimestamp : null;
  $('h-requestTimestamp').textContent =
    $('f-requestTimestamp').value === '' && time ? `自动 from the clock: ${time}` : hintText(FIELDS[0]);

  document.body.classList.toggle('has-issues', !preview.ok);
  if (preview.ok) {
    const { body } = preview.request;
    $('p-bytes').textContent = String(preview.bodyBytes.length);
    $('p-digest').textContent = preview.bodyDigest;
    $('p-body-exact').replaceChildren(...exactBytesView(body));
    $('p-body-pretty').textContent = JSON.stringify(JSON.parse(body), null, 2);
    $('p-curl').textContent = preview.curl;
    $('body-caption').textContent = $('tab-exact').getAttribute('aria-selected') === 'true'
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
  return status >= 200 && status < 300 ? `✗ 未撤销 Not cancelled: ${errCode}` : `✗ 网关拒绝 Rejected by the gateway: HTTP ${status} ${errCode}`;
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
      el('h3', { text: r.ok ? '✓ 预授权已撤销 Preauthorization cancelled' : refusalTitle(answer.status, r.errCode) }),
      el(
        'dl',
        { class: 'facts' },
        r.billStatus ? row('billStatus', el('b', { id: 'result-billStatus', class: 'status', text: r.billStatus })) : null,
        row('errCode', el('code', { id: 'result-errCode', text: r.errCode }), ` · HTTP ${answer.status}`),
        r.errMsg ? row('errMsg', el('span', { id: 'result-errMsg', text: r.errMsg })) : null,
        r.billPayment ? row('billPayment', `${r.billPayment.status ?? ''} · ${yuan(r.billPayment.totalAmount) ?? ''} · ${r.billPayment.merOrderId ?? ''}`) : null,
        r.ok && r.msgId !== undefined ? row('msgId', r.msgId) : null,
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
  const input = { ...formInput(), requestTimestamp: JSON.parse(preview.request.body).requestTimestamp };
  state.sending = true;
  updateSendButton();
  $('result').dataset.outcome = 'pending';
  try {
    const response = await fetch('/api/preauth-cancel', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ input }),
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
  state.nonce = params.get('nonce') ?? createNonce();
}

async function start() {
  buildForm();
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
  for (const [name, value] of Object.entries(config.sample ?? {})) {
    const input = document.getElementById(`f-${name}`);
    if (input) input.value = value;
  }

  $('cancel-form').addEventListener('input', () => {
    state.lastEdit = Date.now();
    renderPreview();
  });
  $('cancel-form').addEventListener('submit', send);
  $('refresh-clock').addEventListener('click', () => {
    state.lastEdit = Date.now();
    renderPreview();
  });
  $('tab-exact').addEventListener('click', () => selectTab(true));
  $('tab-pretty').addEventListener('click', () => selectTab(false));
  $('copy-curl').addEventListener('click', copyCurl);
  renderPreview();
  document.documentElement.dataset.ready = 'true';
}

start();
