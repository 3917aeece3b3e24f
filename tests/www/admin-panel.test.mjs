// The admin panel (www/ + examples/admin-panel-server.mjs) in real headless Chromium: the demo
// command as a newcomer runs it, driven through the page. It checks that each operation's form
// is made from its table, that the page validates like the server, previews the very bytes the
// server sends (preauth-cancel, refund, get-qrcode), shows the outcome of a send (CLOSED, a
// refund, a new QR code, a business refusal, a gateway 401), never receives the key, and that
// the server serves nothing but the page and the package's browser entry. It also refreshes
// docs/admin-panel.png, the README's screenshot.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beijingTime, bills, signOpenBody } from 'chinaums-open';
import { startGateway } from 'chinaums-open-gateway';
import { DEMO_BILL, DEMO_CREDENTIALS, DEMO_MSG_SRC_ID } from '../../examples/flow/demo-setup.mjs';
import { freePort, launchHeadlessChromium, rawTarget, startProcess } from '../packaging/support.mjs';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TMP = join(REPO, 'tests/.tmp/www');
const SCREENSHOT = join(REPO, 'docs/admin-panel.png');
const LAPTOP = { width: 1366, height: 768 };
/** Neither UTC nor Beijing: the page must compute Beijing time itself. */
const BROWSER_TIME_ZONE = 'America/Los_Angeles';
/** The preview's clock and nonce are pinned so that the body and the screenshot are reproducible. */
const PREVIEW_NOW = '2025-01-02T03:04:05+08:00';
const PREVIEW_NONCE = '0123456789abcdef0123456789abcdef';
/** A key the second panel signs with; the gateway it talks to does not know it (401). */
const WRONG_KEY = 'www0wrong0key0never0in0a0browser';
const BASE64_SIGNATURE = /Signature="[A-Za-z0-9+/]{43}="/;

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

/** `preferred` when it is free (stable URLs make a stable screenshot), else any free port. */
function portPreferring(preferred) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => freePort().then(resolve));
    probe.listen(preferred, '127.0.0.1', () => probe.close(() => resolve(preferred)));
  });
}

/** Starts the demo's admin panel server and waits for the URL it prints. */
async function startPanel(args, env = {}) {
  const panel = startProcess(process.execPath, [join(REPO, 'examples/admin-panel-server.mjs'), ...args], { cwd: REPO, env });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const match = /^Admin panel: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(panel.state.output);
    if (match) return { ...panel, url: match[1] };
    if (panel.state.exited) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await panel.stop();
  assert.fail(`the admin panel server printed no URL:\n${panel.state.output}`);
}

/** A raw GET (no URL normalization on the way, unlike fetch): `{ status, body }`. */
function rawGet(url, path, headers = {}) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens the panel with the pinned preview clock and records every response the browser gets. */
async function openPanel(context, url, received) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  page.on('response', (response) => {
    received.push(
      response.body().then(
        (body) => ({ url: response.url(), status: response.status(), headers: response.headers(), body }),
        (error) => ({ url: response.url(), status: response.status(), headers: response.headers(), body: Buffer.alloc(0), error: error.message }),
      ),
    );
  });
  await page.goto(`${url}?now=${encodeURIComponent(PREVIEW_NOW)}&nonce=${PREVIEW_NONCE}`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 20_000 });
  return { page, problems };
}

/** The form's fields as the page holds them (all of them, folded or not). */
function formValues(page) {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#fields [name], #more-fields [name]')].map((i) => [i.name, i.value])));
}

/** The input the page builds from its form: empty fields left out, JSON fields parsed. */
async function formInput(page, operation) {
  const values = await formValues(page);
  const json = new Set(bills[operation].fields.filter((f) => f.format === 'items' || f.format === 'object').map((f) => f.name));
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '').map(([k, v]) => [k, json.has(k) ? JSON.parse(v) : v]));
}

/** Clicks "Send via server" and returns the JSON the backend answered. */
async function sendViaServer(page) {
  await page.locator('#result').evaluate((box) => delete box.dataset.outcome);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/send')),
    page.click('#send'),
  ]);
  const answer = await response.json();
  await page.waitForFunction(() => ['success', 'rejected', 'invalid', 'error'].includes(document.getElementById('result').dataset.outcome));
  return { status: response.status(), answer };
}

describe('admin panel in headless Chromium', { timeout: 120_000 }, () => {
  let panel;
  let config;
  let context;
  let page;
  let pageProblems;
  /** Every response the browser received, from every page: `{ url, status, headers, body }`. */
  const received = [];
  /** Every API answer the tests fetched directly, as text. */
  const fetched = [];

  before(async () => {
    rmSync(TMP, { recursive: true, force: true });
    // The demo command exactly as scripts/demo.sh runs it: the demo's fictional credentials and
    // its in-process gateway emulator.
    const [port, gatewayPort] = [await portPreferring(47311), await portPreferring(47312)];
    panel = await startPanel(['--port', String(port), '--gateway-port', String(gatewayPort)]);
    const response = await fetch(`${panel.url}api/config`);
    const text = await response.text();
    fetched.push(text);
    config = JSON.parse(text);
    context = await launchHeadlessChromium({ profileDir: join(TMP, 'chromium-profile'), timezoneId: BROWSER_TIME_ZONE, viewport: LAPTOP });
    ({ page, problems: pageProblems } = await openPanel(context, panel.url, received));
  });

  after(async () => {
    await context?.close();
    await panel?.stop();
  });

  it('loads the page, the browser entry and its wasm from the server, with the right types', async () => {
    const loaded = await Promise.all(received);
    const byPath = new Map(loaded.map((r) => [new URL(r.url).pathname, r]));
    for (const [path, type] of [
      ['/', 'text/html'],
      ['/app.js', 'text/javascript'],
      ['/style.css', 'text/css'],
      ['/pkg/src/browser.js', 'text/javascript'],
      ['/pkg/src/boundary.js', 'text/javascript'],
      ['/pkg/dist/chinaums_open.js', 'text/javascript'],
      ['/pkg/dist/chinaums_open_bg.wasm', 'application/wasm'],
      ['/api/config', 'application/json'],
    ]) {
      assert.equal(byPath.get(path)?.status, 200, `${path} was not loaded: ${[...byPath.keys()].join(', ')}`);
      assert.ok(byPath.get(path).headers['content-type'].startsWith(type), `${path}: ${byPath.get(path).headers['content-type']}`);
    }
    for (const r of loaded) assert.equal(new URL(r.url).origin, new URL(panel.url).origin, `${r.url} is not from the panel's server`);
    assert.deepEqual(pageProblems, []);
    assert.equal(config.baseUrl, `http://127.0.0.1:${new URL(config.baseUrl).port}`);
    assert.equal(config.appId, DEMO_CREDENTIALS.appId);
    assert.equal(await page.textContent('#target'), `AppId ${config.appId} → ${config.baseUrl}`);
    const labels = await page.$$eval('#fields label', (nodes) => nodes.map((n) => n.textContent));
    assert.equal(labels.length, 10);
    assert.deepEqual(labels.map((l) => l.split(' ')[0]), bills.preauthCancel.fields.map((f) => f.label.zh), 'the form is the table, in its order');
    assert.ok(labels.some((l) => l.startsWith('账单日期 Bill date')), labels.join(' | '));
    // The picker offers every operation of the tables.
    const offered = await page.$$eval('#operation option', (nodes) => nodes.map((n) => n.value));
    assert.deepEqual(offered, Object.keys(bills));
    assert.equal(await page.inputValue('#operation'), 'preauthCancel');
  });

  it('an invalid billDate shows its message next to the field and disables sending', async () => {
    await page.fill('#f-billDate', '2025-02-30');
    const message = page.locator('#e-billDate');
    await message.waitFor({ state: 'visible' });
    assert.equal(await message.getAttribute('data-code'), 'ERR_FIELD_FORMAT');
    // The very message the library (and so the server) gives for this input.
    const input = await formInput(page, 'preauthCancel');
    const expected = bills.preauthCancel.validate(input, { msgSrcId: config.msgSrcId }).issues;
    assert.deepEqual(expected.map((i) => [i.field, i.code]), [['billDate', 'ERR_FIELD_FORMAT']]);
    assert.ok((await message.textContent()).includes(expected[0].message), await message.textContent());
    assert.equal(await page.getAttribute('#f-billDate', 'aria-invalid'), 'true');
    assert.equal(await page.isDisabled('#send'), true);
    assert.equal(await page.locator('.issue:visible').count(), 1, 'only billDate is marked');
    // Next to the field: in its block, right under its input, over the same column.
    const field = await page.locator('.field[data-field="billDate"]').boundingBox();
    const box = await page.locator('#f-billDate').boundingBox();
    const shown = await message.boundingBox();
    assert.ok(shown.y >= box.y + box.height && shown.y - (box.y + box.height) < 24, `message at y=${shown.y}, input ends at ${box.y + box.height}`);
    assert.ok(shown.x >= field.x && shown.x + shown.width <= field.x + field.width + 1, 'message outside the field column');
    assert.ok(shown.y + shown.height <= LAPTOP.height, 'message below the fold');
    assert.equal(await page.textContent('#p-digest'), '–');
  });

  let preview;
  it('once fixed, the preview is the exact body the server builds for the same input', async () => {
    await page.fill('#f-billDate', DEMO_BILL.billDate);
    await page.waitForFunction(() => !document.getElementById('send').disabled);
    assert.equal(await page.isVisible('#e-billDate'), false);
    preview = {
      body: await page.textContent('#p-body-exact'),
      bytes: Number(await page.textContent('#p-bytes')),
      digest: await page.textContent('#p-digest'),
      authorization: await page.textContent('#p-auth'),
      curl: await page.textContent('#p-curl'),
    };
    // Beijing time of the pinned instant, though the browser's clock runs in Los Angeles.
    assert.equal(await page.textContent('#h-requestTimestamp'), '自动 from the clock: 2025-01-02 03:04:05');
    const input = { ...(await formInput(page, 'preauthCancel')), requestTimestamp: '2025-01-02 03:04:05' };
    const built = bills.preauthCancel.build(input, { baseUrl: config.baseUrl, msgSrcId: config.msgSrcId });
    assert.equal(preview.body, built.body);
    assert.equal(preview.bytes, Buffer.byteLength(built.body, 'utf8'));
    assert.equal(preview.digest, sha256(built.body));
    assert.equal(await page.textContent('#p-url'), built.url);
    assert.equal(
      preview.authorization,
      `OPEN-BODY-SIG AppId="${config.appId}", Timestamp="20250102030405", Nonce="${PREVIEW_NONCE}", Signature="<computed by the server>"`,
    );
    assert.ok(preview.curl.includes(`--data-binary '${built.body}'`), preview.curl);
    await page.click('#tab-pretty');
    assert.deepEqual(JSON.parse(await page.textContent('#p-body-pretty')), JSON.parse(built.body));
    await page.click('#tab-exact');
  });

  it('sending shows CLOSED, and the backend sent exactly the previewed bytes', async () => {
    const { status, answer } = await sendViaServer(page);
    assert.equal(status, 200);
    assert.equal(answer.sent.bodyDigest, preview.digest, 'the digest of what the backend sent');
    assert.equal(answer.sent.body, preview.body);
    assert.equal(sha256(answer.sent.body), preview.digest);
    assert.equal(answer.sent.bodyBytes, preview.bytes);
    assert.equal(answer.sent.url, `${config.baseUrl}/v1/netpay/bills/preauth-cancel`);
    assert.match(answer.sent.headers.Authorization, new RegExp(`^OPEN-BODY-SIG AppId="${config.appId}", Timestamp="\\d{14}", Nonce="[0-9a-f]{32}", Signature="<redacted>"$`));
    // The gateway verifies the signature over the bytes it received, and the backend signed the
    // digest above: SUCCESS means the gateway got exactly the previewed bytes.
    assert.equal(answer.status, 200);
    assert.equal(answer.response.errCode, 'SUCCESS');
    assert.equal(answer.response.billStatus, 'CLOSED');

    assert.equal(await page.getAttribute('#result', 'data-outcome'), 'success');
    assert.equal(await page.textContent('#result-billStatus'), 'CLOSED');
    assert.equal(await page.getAttribute('#digest-match', 'data-identical'), 'true');
    assert.equal(await page.textContent('#sent-digest'), preview.digest);

    // The gateway itself confirms, asked independently with the demo's key (bills/query).
    const body = JSON.stringify({ requestTimestamp: beijingTime(Date.now()).dateTime, mid: DEMO_BILL.mid, tid: DEMO_BILL.tid, instMid: 'QRPAYDEFAULT', billNo: DEMO_BILL.billNo, billDate: DEMO_BILL.billDate });
    const { authorization } = signOpenBody({ ...DEMO_CREDENTIALS, body });
    const query = await fetch(`${config.baseUrl}/v1/netpay/bills/query`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: authorization }, body });
    assert.equal((await query.json()).billStatus, 'CLOSED');

    // Fits a laptop screen: no sideways scrolling, and the outcome is in view.
    const layout = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth }));
    assert.ok(layout.scrollWidth <= layout.innerWidth, JSON.stringify(layout));
    const outcome = await page.locator('#result-billStatus').boundingBox();
    assert.ok(outcome.y + outcome.height <= LAPTOP.height, `billStatus at y=${outcome.y}`);

    await page.evaluate(() => document.activeElement?.blur());
    await page.screenshot({ path: SCREENSHOT, animations: 'disabled', caret: 'hide' });
  });

  it('a second send shows the OPERATION_NOT_ALLOWED refusal clearly', async () => {
    const { answer } = await sendViaServer(page);
    assert.equal(answer.response.errCode, 'OPERATION_NOT_ALLOWED');
    assert.equal(answer.sent.body, preview.body);
    assert.equal(await page.getAttribute('#result', 'data-outcome'), 'rejected');
    assert.equal(await page.textContent('#result-errCode'), 'OPERATION_NOT_ALLOWED');
    assert.match(await page.textContent('#result h3'), /^✗ .*OPERATION_NOT_ALLOWED/);
    assert.equal(await page.textContent('#result-errMsg'), answer.response.errMsg);
    assert.equal(await page.locator('#result-billStatus').count(), 0);
  });

  it('a gateway rejection (401 BAD_SIGN) is shown clearly', async () => {
    // A gateway that knows the appId with another key than the one this panel signs with.
    const gateway = await startGateway({ credentials: [{ ...DEMO_CREDENTIALS, msgSrcId: DEMO_MSG_SRC_ID }] });
    const wrong = await startPanel(['--gateway', gateway.url], {
      CHINAUMS_APP_ID: DEMO_CREDENTIALS.appId,
      CHINAUMS_APP_KEY: WRONG_KEY,
      CHINAUMS_MSG_SRC_ID: DEMO_MSG_SRC_ID,
    });
    try {
      const { page: other, problems } = await openPanel(context, wrong.url, received);
      await other.fill('#f-billDate', DEMO_BILL.billDate);
      const { answer } = await sendViaServer(other);
      assert.equal(answer.status, 401);
      assert.equal(answer.response.errCode, 'BAD_SIGN');
      assert.equal(await other.getAttribute('#result', 'data-outcome'), 'rejected');
      assert.match(await other.textContent('#result h3'), /HTTP 401 BAD_SIGN/);
      assert.match(await other.textContent('#result-errMsg'), /^认证失败/);
      assert.equal(gateway.state.bill(DEMO_BILL.billNo, DEMO_BILL.billDate).billStatus, 'PAID', 'nothing was cancelled');
      assert.deepEqual(problems, []);
      await other.close();
    } finally {
      await wrong.stop();
      await gateway.close();
    }
  });

  /** Picks an operation in the page and waits for its form, filled with the server's sample. */
  async function pick(operation) {
    await page.selectOption('#operation', operation);
    await page.waitForFunction((name) => document.querySelector('#fields .field')?.dataset.field !== undefined && document.title.includes(name), bills[operation].endpoint);
  }

  /** The previewed body, checked against the library's own build of the same input. */
  async function previewMatchesBuild(operation) {
    await page.waitForFunction(() => !document.getElementById('send').disabled);
    const body = await page.textContent('#p-body-exact');
    const input = { ...(await formInput(page, operation)), requestTimestamp: '2025-01-02 03:04:05' };
    const built = bills[operation].build(input, { baseUrl: config.baseUrl, msgSrcId: config.msgSrcId });
    assert.equal(body, built.body);
    assert.equal(await page.textContent('#p-digest'), sha256(built.body));
    assert.equal(await page.textContent('#p-url'), `${config.baseUrl}${bills[operation].path}`);
    return body;
  }

  it('refund: its form is its table, and a send refunds the paid bill with the previewed bytes', async () => {
    await pick('refund');
    const required = bills.refund.fields.filter((f) => f.required && f.default === undefined).map((f) => f.name);
    const shown = await page.$$eval('#fields .field', (nodes) => nodes.map((n) => n.dataset.field));
    for (const name of required) assert.ok(shown.includes(name), `${name} is not in the form: ${shown.join(', ')}`);
    assert.equal(await page.locator('#f-refundAmount').getAttribute('data-format'), 'amount');
    // An amount in yuan is refused next to its field, as the server would.
    await page.fill('#f-refundAmount', '5.00');
    await page.locator('#e-refundAmount').waitFor({ state: 'visible' });
    assert.equal(await page.getAttribute('#e-refundAmount', 'data-code'), 'ERR_FIELD_FORMAT');
    await page.fill('#f-refundAmount', '500');
    const body = await previewMatchesBuild('refund');
    assert.ok(body.includes('"refundAmount":"500"'), body);
    const { status, answer } = await sendViaServer(page);
    assert.equal(status, 200);
    assert.equal(answer.sent.body, body);
    assert.equal(answer.response.errCode, 'SUCCESS');
    assert.equal(answer.response.refundAmount, 500);
    assert.equal(await page.getAttribute('#result', 'data-outcome'), 'success');
    assert.equal(await page.textContent('#result-refundStatus'), 'SUCCESS');
    assert.equal(await page.getAttribute('#digest-match', 'data-identical'), 'true');
  });

  it('get-qrcode: its JSON fields are edited as JSON, and a send makes a preauthorization QR code', async () => {
    await pick('getQrcode');
    assert.equal(await page.locator('#f-goods').evaluate((n) => n.tagName), 'TEXTAREA');
    assert.equal(await page.locator('#f-preauthTransaction').evaluate((n) => n.tagName), 'SELECT');
    // Optional fields without a sample are folded away, and still there.
    assert.ok((await page.locator('#more-fields [name]').count()) > 10);
    // A price that is not fen, inside goods, is marked on the goods field.
    const goods = await page.inputValue('#f-goods');
    await page.fill('#f-goods', goods.replace('"price":"2100"', '"price":"21.00"'));
    await page.locator('#e-goods').waitFor({ state: 'visible' });
    assert.match(await page.textContent('#e-goods'), /goods\[0\]\.price/);
    await page.fill('#f-goods', '[{');
    assert.equal(await page.getAttribute('#e-goods', 'data-code'), 'ERR_INVALID_JSON');
    await page.fill('#f-goods', goods);
    const body = await previewMatchesBuild('getQrcode');
    assert.ok(body.includes('"preauthTransaction":"true"') && body.includes('"goods":[{"goodsId":"1203"'), body);
    const { answer } = await sendViaServer(page);
    assert.equal(answer.response.errCode, 'SUCCESS');
    assert.equal(answer.sent.body, body);
    assert.equal(typeof answer.response.qrCodeId, 'string');
    assert.equal(await page.textContent('#result-qrCodeId'), answer.response.qrCodeId);
    assert.equal(await page.textContent('#result-billQRCode'), answer.response.billQRCode);
    await pick('preauthCancel');
  });

  it('the server validates again: invalid fields posted directly get 422 and the issues', async () => {
    const input = { ...DEMO_BILL, billDate: '2025-02-30', requestTimestamp: '2025-01-02 24:00:00' };
    const response = await fetch(`${panel.url}api/send`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ operation: 'preauthCancel', input }),
    });
    const text = await response.text();
    fetched.push(text);
    assert.equal(response.status, 422);
    const { error } = JSON.parse(text);
    assert.deepEqual(error.issues, bills.preauthCancel.validate(input, { msgSrcId: DEMO_MSG_SRC_ID }).issues);
    assert.deepEqual(error.issues.map((i) => i.field), ['requestTimestamp', 'billDate']);
  });

  it('serves only www/ and the browser entry, to its own origin', async () => {
    for (const path of [
      '/pkg/src/../../examples/flow/demo-setup.mjs',
      '/pkg/src/%2e%2e/%2e%2e/examples/flow/demo-setup.mjs',
      '/..%2fexamples%2fflow%2fdemo-setup.mjs',
      '/pkg/src/..%5c..%5cexamples/flow/demo-setup.mjs',
      '/gateway/index.js',
      '/pkg/src/../../gateway/index.js',
      '/pkg/package.json',
      '/examples/admin-panel-server.mjs',
      '/.git/HEAD',
      '/pkg/src/',
    ]) {
      const { status, body } = await rawGet(panel.url, path);
      assert.equal(status, 404, `${path} answered ${status}`);
      fetched.push(body);
    }
    assert.equal((await rawGet(panel.url, '/pkg/src/api.js')).status, 200);
    const foreignHost = await rawGet(panel.url, '/api/config', { Host: 'attacker.example:80' });
    assert.equal(foreignHost.status, 403);
    const crossSite = await fetch(`${panel.url}api/send`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'http://attacker.example' },
      body: JSON.stringify({ operation: 'preauthCancel', input: DEMO_BILL }),
    });
    assert.equal(crossSite.status, 403);
    const unknown = await fetch(`${panel.url}api/send`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ operation: '__proto__', input: {} }) });
    assert.equal(unknown.status, 400);
    fetched.push(await unknown.text());
    const form = await fetch(`${panel.url}api/send`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' });
    assert.equal(form.status, 415);
    fetched.push(await crossSite.text(), await form.text(), foreignHost.body);
  });

  it('a request target that is not a path is 400, and a foreign Host 403 before it is parsed, never 500', async () => {
    const ownHost = new URL(panel.url).host;
    for (const host of [ownHost, ownHost.replace('127.0.0.1', 'localhost')]) {
      for (const target of ['//', '//evil.example/x', '/\\evil.example/x', 'http://x', `http://${ownHost}/api/config`, '*']) {
        const { status, text } = await rawTarget(panel.url, target, host);
        assert.equal(status, 400, `GET ${target} (Host ${host}) answered ${text}`);
        fetched.push(text);
      }
      assert.equal((await rawTarget(panel.url, '/api/config', host)).status, 200);
    }
    for (const target of ['//', '/', '//evil.example/x', '*']) {
      const { status, text } = await rawTarget(panel.url, target, 'evil.example');
      assert.equal(status, 403, `GET ${target} (Host evil.example) answered ${text}`);
      fetched.push(text);
    }
  });

  it('the key is in no resource the browser received and no API answer', async () => {
    const loaded = await Promise.all(received);
    const paths = new Set(loaded.map((r) => new URL(r.url).pathname));
    for (const path of ['/', '/app.js', '/pkg/src/browser.js', '/pkg/dist/chinaums_open_bg.wasm', '/api/config', '/api/send']) {
      assert.ok(paths.has(path), `${path} was never received`);
    }
    assert.equal(loaded.filter((r) => r.error).length, 0, JSON.stringify(loaded.filter((r) => r.error)));
    for (const key of [DEMO_CREDENTIALS.appKey, WRONG_KEY]) {
      for (const r of loaded) {
        assert.equal(r.body.includes(Buffer.from(key, 'utf8')), false, `${r.url} contains the key`);
        assert.equal(JSON.stringify(r.headers).includes(key), false, `${r.url}'s headers contain the key`);
      }
      for (const text of fetched) assert.equal(text.includes(key), false);
    }
    for (const r of loaded.filter((x) => new URL(x.url).pathname.startsWith('/api/'))) {
      assert.doesNotMatch(r.body.toString('utf8'), BASE64_SIGNATURE, `${r.url} contains a signature`);
    }
    assert.ok(loaded.length >= 10, `only ${loaded.length} responses recorded`);
  });
});
