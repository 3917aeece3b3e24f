// Issue 17, nesting: one limit (constants.MAX_JSON_DEPTH, 128 levels) on every path that reads
// JSON text or walks a JS value into the core. For depths 127, 128, 129, 1,000, 20,000 and
// 100,000, arrays and objects, the whole document nested and a member nested inside an otherwise
// valid one, as JSON text, its UTF-8 bytes and JS values, every public function that takes them:
// 128 levels work (or fail for a reason of their own, asserted), 129 and more are a ChinaumsError
// ERR_TOO_DEEP naming the member (notifications.verify: false), and after every single case the
// package still signs the V1 vector (the instance was not poisoned). Nothing is timed: the
// 100,000-level cases simply have to complete. Also: JS values deeper than JSON.stringify can
// write, values that never end (a Proxy), and cycles, which are typed errors, never ERR_INTERNAL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import * as api from 'chinaums-open';
import { NOTIFY_KEY } from './fixtures.mjs';

const { ChinaumsError, bills, constants, notifications } = api;
const { cases } = JSON.parse(readFileSync(new URL('../vectors/open-body-sig.json', import.meta.url), 'utf8'));
const V1 = cases.find((c) => c.name.startsWith('V1-'));
const V1_MS = Date.UTC(2025, 0, 1, 19, 4, 5);
const LIMIT = 128;
const DEPTHS = [127, 128, 129, 1_000, 20_000, 100_000];
const SHAPES = ['arrays', 'objects'];
const CREDENTIALS = { appId: V1.appId, appKey: V1.appKey };
const UNTABLED = '/v1/netpay/refund-query';
const FORM_URL = 'https://127.0.0.1/v1/netpay/trade/h5-pay';
const encoder = new TextEncoder();

/** A valid input of each operation, from its table's examples. */
const example = (op) => Object.fromEntries(bills[op].fields.map((field) => [field.name, field.example]));

// Documents ------------------------------------------------------------------------------------

/** JSON text nested `depth` levels (0: a number). */
function nestedText(depth, shape) {
  if (depth === 0) return '1';
  return shape === 'arrays' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

const values = new Map();
/** A JS value nested `depth` levels, built without recursion (and kept: the callers never change it). */
function nestedValue(depth, shape) {
  const key = `${shape}${depth}`;
  if (!values.has(key)) {
    let value = 1;
    for (let i = 0; i < depth; i++) value = shape === 'arrays' ? [value] : { a: value };
    values.set(key, value);
  }
  return values.get(key);
}

/**
 * The documents of one depth: `{ place, form, member, doc }` where `place` is 'top' (the whole
 * document nested) or 'member' (`base` plus a member `extra` nested to the same total depth), and
 * `form` is 'text', 'bytes' or 'value'.
 */
function documents(depth, shape, base, forms) {
  const out = [];
  for (const form of forms) {
    const top = form === 'value' ? nestedValue(depth, shape) : nestedText(depth, shape);
    const member = form === 'value' ? { ...base, extra: nestedValue(depth - 1, shape) } : `${JSON.stringify(base).slice(0, -1)},"extra":${nestedText(depth - 1, shape)}}`;
    for (const [place, doc] of [['top', top], ['member', member]]) {
      out.push({ place, form, member: place === 'member' ? 'extra' : shape === 'objects' ? 'a' : null, doc: form === 'bytes' ? encoder.encode(doc) : doc });
    }
  }
  return out;
}

// Outcomes -------------------------------------------------------------------------------------

const errorText = (e) => `${e?.constructor?.name} ${e?.code ?? ''} (field ${inspect(e?.field)}): ${String(e?.message ?? e).slice(0, 160)}`;
const brief = (v) => inspect(v, { depth: 2, maxStringLength: 60, maxArrayLength: 3, breakLength: Infinity });

/** What a call gave, as `{ value }` or `{ error }`; awaits promises. */
async function outcome(fn) {
  try {
    return { value: await fn() };
  } catch (error) {
    return { error };
  }
}

/** The error of an outcome: thrown, or the first issue of a `{ ok: false, issues }`. */
function failure(o) {
  if ('error' in o) return o.error instanceof ChinaumsError ? { code: o.error.code, field: o.error.field, typed: true } : { typed: false, text: errorText(o.error) };
  if (o.value && typeof o.value === 'object' && o.value.ok === false && Array.isArray(o.value.issues)) return { code: o.value.issues[0].code, field: o.value.issues[0].field, typed: true };
  return null;
}

/**
 * Null when `o` is right for a document `depth` levels deep: beyond the limit ERR_TOO_DEEP
 * naming one of `fields`; within it, what `within(o)` accepts (null) for the member documents,
 * and any typed outcome but ERR_TOO_DEEP for the whole document nested (it is not what the
 * function takes: `top(o)` may say more).
 */
function judge(o, { depth, place }, { fields, within, top = () => null }) {
  const f = failure(o);
  if (f && !f.typed) return `threw ${f.text}`;
  if (f?.code === 'ERR_INTERNAL') return `ERR_INTERNAL: ${errorText(o.error)}`;
  if (depth > LIMIT) {
    if (f?.code !== 'ERR_TOO_DEEP') return `${'error' in o ? errorText(o.error) : `returned ${brief(o.value)}`}; expected ERR_TOO_DEEP`;
    return fields.includes(f.field) ? null : `ERR_TOO_DEEP naming ${inspect(f.field)}, expected ${fields.map((x) => inspect(x)).join(' or ')}`;
  }
  if (f?.code === 'ERR_TOO_DEEP') return `ERR_TOO_DEEP within the limit (${inspect(f.field)})`;
  return place === 'member' ? within(o) : top(o);
}

/** The V1 vector still signs: the instance was not left broken. */
function healthy() {
  try {
    const signed = api.signOpenBody({ ...CREDENTIALS, body: V1.body, timestamp: V1.timestamp, nonce: V1.nonce });
    return signed.signature === V1.signature ? null : `then signOpenBody gave ${signed.signature}`;
  } catch (error) {
    return `then signOpenBody threw ${errorText(error)}`;
  }
}

/**
 * Runs `call(doc)` on every document of every depth and shape and checks each outcome with
 * `expect(o, doc, depth, shape)` (a problem or null), then a healthy signature; fails listing
 * every wrong case.
 */
async function matrix(name, { base, forms, call, expect }) {
  const failures = [];
  let count = 0;
  for (const depth of DEPTHS) {
    for (const shape of SHAPES) {
      for (const d of documents(depth, shape, base, forms)) {
        count += 1;
        const o = await outcome(() => call(d.doc));
        const problem = expect(o, { ...d, depth, shape });
        const label = `${name} ${d.place} ${d.form} ${shape} ${depth}`;
        if (problem) failures.push(`${label}: ${problem}`);
        const after = healthy();
        if (after) failures.push(`${label}: ${after}`);
      }
    }
  }
  assert.ok(count >= DEPTHS.length * SHAPES.length * 2, `${name}: only ${count} cases`);
  assert.deepEqual(failures, [], `${failures.length} of ${count} cases wrong`);
}

// Checks of the documents within the limit.

const succeeded = (o) => ('error' in o ? `threw ${errorText(o.error)}` : null);
const validated = (o) => ('error' in o ? `threw ${errorText(o.error)}` : o.value.ok === true ? null : `not ok: ${brief(o.value.issues)}`);
/** A built or signed request whose body holds the nested member exactly as given. */
const bodyKeeps = (d) => (o) => {
  if ('error' in o) return `threw ${errorText(o.error)}`;
  const body = o.value.body ?? o.value.request?.body;
  const written = d.form === 'value' ? JSON.stringify(d.doc.extra) : nestedText(d.depth - 1, d.shape);
  return body.includes(`"extra":${written}`) ? null : `the body does not hold the member as given: ${body.slice(0, 120)}`;
};
const typedError = (code, field) => (o) => {
  const f = failure(o);
  return f?.code === code && (field === undefined || f.field === field) ? null : `${'error' in o ? errorText(o.error) : brief(o.value)}; expected ${code} ${field ?? ''}`;
};
const isFalse = (o) => ('error' in o ? `threw ${errorText(o.error)}` : o.value === false ? null : `returned ${brief(o.value)}, expected false`);

/** Names a too-deep member, or the whole document (null, or the argument). */
const named = (argument) => (d) => (d.member === null ? [null, argument] : [d.member]);

// Bills operations: validate, build, sign, preview (objects, JSON text, bytes) and parseResponse.

for (const op of Object.keys(bills)) {
  const base = example(op);
  const forms = ['text', 'bytes', 'value'];
  const build = { env: 'test', now: V1_MS, allowUnknownFields: true };
  test(`bills.${op}.validate, build, sign and preview: 128 levels work, 129 and more are ERR_TOO_DEEP`, async (t) => {
    const rows = {
      validate: [(doc) => bills[op].validate(doc, { allowUnknownFields: true }), () => validated],
      build: [(doc) => bills[op].build(doc, build), (d) => bodyKeeps(d)],
      sign: [(doc) => bills[op].sign(doc, { ...build, ...CREDENTIALS }), (d) => bodyKeeps(d)],
      preview: [(doc) => bills[op].preview(doc, { ...build, appId: V1.appId }), (d) => bodyKeeps(d)],
    };
    for (const [method, [call, keeps]] of Object.entries(rows)) {
      await t.test(method, () =>
        matrix(`bills.${op}.${method}`, { base, forms, call, expect: (o, d) => judge(o, d, { fields: named('input')(d), within: keeps(d) }) }),
      );
    }
  });
  test(`bills.${op}.parseResponse: 128 levels kept, 129 and more ERR_TOO_DEEP`, () =>
    matrix(`bills.${op}.parseResponse`, {
      base: { errCode: 'SUCCESS' },
      forms: ['text', 'bytes'],
      call: (doc) => bills[op].parseResponse(doc),
      expect: (o, d) =>
        judge(o, d, {
          fields: named('text')(d),
          within: (r) => succeeded(r) ?? (JSON.stringify(r.value.extra) === nestedText(d.depth - 1, d.shape) ? null : 'the member was not kept'),
        }),
    }));
}

test('get-qrcode goods: an item nested 128 levels in all works, 129 is ERR_TOO_DEEP naming goods', async () => {
  const failures = [];
  for (const depth of DEPTHS) {
    for (const shape of SHAPES) {
      // doc { goods [ item { x … } ] }: three levels before x.
      const item = { goodsId: '1', goodsName: 'Room', quantity: '1', price: '2100' };
      const { goods, ...rest } = example('getQrcode');
      assert.ok(Array.isArray(goods), 'the example has goods');
      const input = { ...rest, goods: [{ ...item, x: nestedValue(depth - 3, shape) }] };
      const text = `${JSON.stringify(rest).slice(0, -1)},"goods":[${JSON.stringify(item).slice(0, -1)},"x":${nestedText(depth - 3, shape)}}]}`;
      for (const [form, doc] of [['value', input], ['text', text]]) {
        for (const [method, call] of [
          ['validate', () => bills.getQrcode.validate(doc, { allowUnknownFields: true })],
          ['build', () => bills.getQrcode.build(doc, { env: 'test', now: V1_MS, allowUnknownFields: true })],
          ['sign', () => bills.getQrcode.sign(doc, { env: 'test', now: V1_MS, allowUnknownFields: true, ...CREDENTIALS })],
        ]) {
          const o = await outcome(call);
          const problem = judge(o, { depth, place: 'member' }, { fields: ['goods'], within: method === 'validate' ? validated : succeeded });
          if (problem) failures.push(`${method} ${form} ${shape} ${depth}: ${problem}`);
          const after = healthy();
          if (after) failures.push(`${method} ${form} ${shape} ${depth}: ${after}`);
        }
      }
    }
  }
  assert.deepEqual(failures, []);
});

test('buildRequest: a body nested 128 levels is written exactly, 129 and more are ERR_TOO_DEEP (with and without a table)', async (t) => {
  for (const [path, base] of [
    [UNTABLED, { a: '1' }],
    ['close-qrcode', example('closeQrcode')],
    [bills.refund.path, example('refund')],
  ]) {
    await t.test(path, () =>
      matrix(`buildRequest(${path})`, {
        base,
        forms: ['text', 'bytes', 'value'],
        call: (doc) => api.buildRequest(path, doc, { env: 'test', now: V1_MS, allowUnknownFields: true }),
        expect: (o, d) => judge(o, d, { fields: named('input')(d), within: bodyKeeps(d) }),
      }),
    );
  }
});

// The client: inputs refused before anything is sent; responses nested too deep are typed errors.

/** A client over a fetch stub that answers `answer()` and records what was sent. */
function stubbedClient(answer) {
  const sent = [];
  const client = new api.ChinaumsClient({
    ...CREDENTIALS,
    baseUrl: 'http://127.0.0.1:9',
    allowUnknownFields: true,
    sleep: async () => {},
    fetch: async (url, init) => {
      sent.push({ url, body: init.body });
      return { status: 200, headers: new Headers({ 'content-type': 'application/json' }), text: async () => answer() };
    },
  });
  return { client, sent };
}

test('client.request and client.bills: inputs nested beyond 128 levels are refused before anything is sent', async (t) => {
  const { client, sent } = stubbedClient(() => '{"errCode":"SUCCESS"}');
  t.after(() => client.free());
  const forms = ['text', 'value'];
  await t.test('client.request', () =>
    matrix('client.request', {
      base: { a: '1' },
      forms,
      call: async (doc) => {
        const before = sent.length;
        const envelope = await client.request(UNTABLED, doc);
        assert.equal(sent.length, before + 1);
        return { body: sent.at(-1).body, envelope };
      },
      expect: (o, d) => {
        const problem = judge(o, d, { fields: named('input')(d), within: bodyKeeps(d) });
        return problem ?? (d.depth > LIMIT && 'error' in o && o.error.code === 'ERR_TOO_DEEP' && sent.some((s) => s.body.length > 100_000) ? 'a too-deep body was sent' : null);
      },
    }),
  );
  await t.test('client.bills.query', () =>
    matrix('client.bills.query', {
      base: example('query'),
      forms,
      call: async (doc) => {
        const response = await client.bills.query(doc);
        return { body: sent.at(-1).body, response };
      },
      expect: (o, d) => judge(o, d, { fields: named('input')(d), within: bodyKeeps(d) }),
    }),
  );
  await t.test('client.cancelPreauth', async () => {
    const failures = [];
    for (const depth of DEPTHS) {
      for (const shape of SHAPES) {
        const before = sent.length;
        const o = await outcome(() => client.cancelPreauth({ ...example('preauthCancel'), extra: nestedValue(depth - 1, shape) }));
        if (depth > LIMIT) {
          const problem = judge(o, { depth, place: 'member' }, { fields: ['extra'], within: succeeded });
          if (problem) failures.push(`${shape} ${depth}: ${problem}`);
          if (sent.length !== before) failures.push(`${shape} ${depth}: ${sent.length - before} requests sent for an input refused`);
        } else if ('error' in o && o.error?.code === 'ERR_TOO_DEEP') {
          failures.push(`${shape} ${depth}: ERR_TOO_DEEP within the limit`);
        }
        const after = healthy();
        if (after) failures.push(`${shape} ${depth}: ${after}`);
      }
    }
    assert.deepEqual(failures, []);
  });
});

test('client responses nested beyond 128 levels: the envelope carries ERR_TOO_DEEP, client.bills rejects with it', async (t) => {
  let answer = '';
  const { client } = stubbedClient(() => answer);
  t.after(() => client.free());
  const responses = (doc) => (typeof doc === 'string' ? doc : new TextDecoder().decode(doc));
  await t.test('client.request', () =>
    matrix('client.request response', {
      base: { errCode: 'SUCCESS' },
      forms: ['text'],
      call: async (doc) => {
        answer = responses(doc);
        const envelope = await client.request(UNTABLED, { a: '1' });
        assert.equal(envelope.text, answer, 'the text is kept whatever it is');
        // Never thrown for what the platform answered: the envelope says why it was unreadable.
        if (envelope.error !== null) throw envelope.error;
        return envelope.response;
      },
      expect: (o, d) =>
        judge(o, d, {
          fields: named('text')(d),
          within: (r) => succeeded(r) ?? (JSON.stringify(r.value.extra) === nestedText(d.depth - 1, d.shape) ? null : 'the member was not kept'),
        }),
    }),
  );
  await t.test('client.bills.query', () =>
    matrix('client.bills.query response', {
      base: { errCode: 'SUCCESS' },
      forms: ['text'],
      call: async (doc) => {
        answer = responses(doc);
        return client.bills.query(example('query'));
      },
      expect: (o, d) => judge(o, d, { fields: named('text')(d), within: succeeded }),
    }),
  );
});

// Notifications, tokens, OPEN-FORM-PARAM ----------------------------------------------------------

test('notifications given as objects: 128 levels read (and never signed as text), 129 and more ERR_TOO_DEEP; verify is false', async (t) => {
  const base = { billNo: '3194A', billDate: '2025-01-02' };
  // A notification is an object: an array of any depth is refused as one before it is read.
  const notAnArray = (o, d, inner) => (d.place === 'top' && d.shape === 'arrays' ? typedError('ERR_FIELD_TYPE', 'params')(o) : inner(o, d));
  const rows = {
    parse: [(doc) => notifications.parse(doc), (r) => succeeded(r)],
    // An object value was not received as text: it has no signed form (field named).
    sign: [(doc) => notifications.sign(doc, NOTIFY_KEY), typedError('ERR_FIELD_TYPE', 'extra')],
    stringToSign: [(doc) => notifications.stringToSign(doc), typedError('ERR_FIELD_TYPE', 'extra')],
  };
  for (const [method, [call, within]] of Object.entries(rows)) {
    await t.test(method, () =>
      matrix(`notifications.${method}`, { base, forms: ['value'], call, expect: (o, d) => notAnArray(o, d, () => judge(o, d, { fields: [d.member], within })) }),
    );
  }
  await t.test('verify', () =>
    matrix('notifications.verify', {
      base,
      forms: ['value'],
      call: (doc) => notifications.verify(doc, NOTIFY_KEY),
      expect: (o, d) => (d.place === 'top' && d.shape === 'arrays' ? typedError('ERR_FIELD_TYPE', 'params')(o) : isFalse(o)),
    }),
  );
});

test('billPayment JSON inside a notification or a response: parsed up to 128 levels, ERR_TOO_DEEP beyond; signed as the text it is', async () => {
  const failures = [];
  for (const depth of DEPTHS) {
    for (const shape of SHAPES) {
      const payment = `{"totalAmount":"100","extra":${nestedText(depth - 1, shape)}}`;
      const form = `billNo=3194A&billPayment=${encodeURIComponent(payment)}`;
      // Percent-encoded, the deepest objects are larger than any notification: refused for that.
      const tooLarge = form.length > constants.DEFAULT_MAX_BODY_BYTES;
      const label = `${shape} ${depth}`;
      const rows = [
        ['notifications.parse(form)', () => notifications.parse(form), tooLarge],
        ['notifications.parse(object)', () => notifications.parse({ billNo: '3194A', billPayment: payment })],
        ['notifications.parse(bytes)', () => notifications.parse(encoder.encode(form)), tooLarge],
        ['bills.query.parseResponse (billPayment a JSON string)', () => bills.query.parseResponse(JSON.stringify({ errCode: 'SUCCESS', billPayment: payment }))],
      ];
      for (const [name, call, refused] of rows) {
        const o = await outcome(call);
        if (refused) {
          const problem = typedError('ERR_BODY_TOO_LARGE', 'params')(o);
          if (problem) failures.push(`${name} ${label}: ${problem}`);
          continue;
        }
        const problem = judge(o, { depth, place: 'member' }, {
          fields: ['billPayment'],
          within: (r) => succeeded(r) ?? (r.value.billPayment.totalAmount === 100 && JSON.stringify(r.value.billPayment.extra) === nestedText(depth - 1, shape) ? null : 'billPayment not parsed as given'),
        });
        if (problem) failures.push(`${name} ${label}: ${problem}`);
      }
      // The value is a string to the signature: any depth signs, verifies and is listed as it came.
      const signed = await outcome(() => `${form}&sign=${notifications.sign(form, NOTIFY_KEY)}`);
      if (tooLarge) {
        if (typedError('ERR_BODY_TOO_LARGE', 'params')(signed)) failures.push(`notifications.sign ${label}: ${brief(signed)}`);
        if (notifications.verify(form, NOTIFY_KEY) !== false) failures.push(`notifications.verify ${label}: not false`);
      } else if ('error' in signed) failures.push(`notifications.sign ${label}: threw ${errorText(signed.error)}`);
      else {
        const verified = await outcome(() => notifications.verify(signed.value, NOTIFY_KEY));
        if (verified.value !== true) failures.push(`notifications.verify ${label}: ${'error' in verified ? errorText(verified.error) : verified.value}`);
        const listed = await outcome(() => notifications.stringToSign(form));
        if (listed.value !== `billNo=3194A&billPayment=${payment}`) failures.push(`notifications.stringToSign ${label}: ${'error' in listed ? errorText(listed.error) : 'another text'}`);
      }
      const after = healthy();
      if (after) failures.push(`${label}: ${after}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('accessToken.parseResponse: 128 levels read (unknown members left out), 129 and more ERR_TOO_DEEP', () =>
  matrix('accessToken.parseResponse', {
    base: { errCode: '0000', accessToken: 'tok', expiresIn: 60 },
    forms: ['text', 'bytes'],
    call: (doc) => api.accessToken.parseResponse(doc, { now: V1_MS }),
    expect: (o, d) =>
      judge(o, d, {
        fields: named('text')(d),
        within: (r) => succeeded(r) ?? (JSON.stringify(r.value) === JSON.stringify({ accessToken: 'tok', expiresIn: 60, expiresAt: V1_MS + 60_000 }) ? null : `returned ${brief(r.value)}`),
      }),
  }));

test('formParamUrl content, as text and as an object: 128 levels signed, 129 and more ERR_TOO_DEEP', () =>
  matrix('formParamUrl content', {
    base: { a: '1' },
    forms: ['text', 'value'],
    call: (doc) => api.formParamUrl({ ...CREDENTIALS, url: FORM_URL, timestamp: V1.timestamp, nonce: V1.nonce, content: doc }),
    expect: (o, d) =>
      judge(o, d, {
        // The content is itself a member of the options: either name is the place.
        fields: [d.member, 'content'],
        within: (r) => {
          if ('error' in r) return `threw ${errorText(r.error)}`;
          const content = new URL(r.value).searchParams.get('content');
          const expected = typeof d.doc === 'string' ? d.doc : JSON.stringify(d.doc);
          return content === expected ? null : 'the content sent is not the content given';
        },
        top: (r) => (d.shape === 'arrays' ? typedError('ERR_FIELD_TYPE', 'content')(r) : succeeded(r)),
      }),
  }));

// What reads one member and nothing nested: depth never matters -------------------------------------

test('clockOffsetFromResponse and option bags read no nested value: any depth is ignored or a type error, never ERR_TOO_DEEP', async () => {
  const failures = [];
  const check = (label, o, expected) => {
    const problem = expected(o);
    if (problem) failures.push(`${label}: ${problem}`);
    const after = healthy();
    if (after) failures.push(`${label}: ${after}`);
  };
  for (const depth of DEPTHS) {
    for (const shape of SHAPES) {
      const deep = nestedValue(depth, shape);
      const label = `${shape} ${depth}`;
      // A response object: only its responseTimestamp is read.
      check(`clockOffsetFromResponse(object) ${label}`, await outcome(() => api.clockOffsetFromResponse({ responseTimestamp: '2025-01-02 03:04:05', extra: deep }, V1_MS)), (o) => (o.value === 0 ? null : brief(o)));
      check(`clockOffsetFromResponse({ responseTimestamp: deep }) ${label}`, await outcome(() => api.clockOffsetFromResponse({ responseTimestamp: deep }, V1_MS)), typedError('ERR_FIELD_TYPE', 'responseTimestamp'));
      // A string is the timestamp itself, not JSON: a nested text is no timestamp.
      check(`clockOffsetFromResponse(text) ${label}`, await outcome(() => api.clockOffsetFromResponse(nestedText(depth, shape), V1_MS)), typedError('ERR_FIELD_FORMAT', 'responseTimestamp'));
      // Option bags are read one level deep: an unknown member is ignored, a known one of the wrong type named.
      const bags = [
        ['bills.query.build options', (extra) => bills.query.build(example('query'), { env: 'test', ...extra }), 'env'],
        ['bills.query.validate options', (extra) => bills.query.validate(example('query'), { ...extra }), 'msgSrcId'],
        ['bills.query.sign options', (extra) => bills.query.sign(example('query'), { env: 'test', ...CREDENTIALS, ...extra }), 'nonce'],
        ['signOpenBody options', (extra) => api.signOpenBody({ ...CREDENTIALS, body: '{}', ...extra }), 'timestamp'],
        ['verifyOpenBody options', (extra) => api.verifyOpenBody({ authorization: V1.authorization, body: V1.body, appKey: V1.appKey, now: V1_MS, ...extra }), 'toleranceSeconds'],
        ['new OpenBodySigner credentials', (extra) => new api.OpenBodySigner({ ...CREDENTIALS, ...extra }).free(), 'maxBodyBytes'],
        ['new ChinaumsClient options', (extra) => new api.ChinaumsClient({ ...CREDENTIALS, env: 'test', fetch: async () => {}, ...extra }).free(), 'timeoutMs'],
        ['new ChinaumsClient retry', (extra) => new api.ChinaumsClient({ ...CREDENTIALS, env: 'test', fetch: async () => {}, retry: { ...extra } }).free(), 'attempts'],
        ['AccessTokenHolder#update token', (extra) => new api.AccessTokenHolder().update({ accessToken: 't', expiresIn: 60, expiresAt: V1_MS, ...extra }), 'expiresIn'],
        ['notifications.verify options', (extra) => notifications.verify('a=1', NOTIFY_KEY, { ...extra }), 'defaultSignType'],
        ['accessToken.request options', (extra) => api.accessToken.request({ ...CREDENTIALS, env: 'test', ...extra }), 'nonce'],
        ['formParamUrl options', (extra) => api.formParamUrl({ ...CREDENTIALS, url: FORM_URL, content: '{}', ...extra }), 'url'],
        ['explainSignature options', (extra) => api.explainSignature({ authorization: V1.authorization, body: V1.body, ...extra }), 'appKey'],
      ];
      for (const [name, call, known] of bags) {
        check(`${name}: an unknown member ${label}`, await outcome(() => call({ extra: deep })), (o) => ('error' in o ? `threw ${errorText(o.error)}` : null));
        check(`${name}: ${known} ${label}`, await outcome(() => call({ [known]: deep })), (o) => {
          const f = failure(o);
          return f?.typed && f.code === 'ERR_FIELD_TYPE' && [known, `retry.${known}`].includes(f.field) ? null : `${'error' in o ? errorText(o.error) : brief(o.value)}; expected ERR_FIELD_TYPE ${known}`;
        });
      }
    }
  }
  assert.deepEqual(failures, []);
});

// Values JSON.stringify cannot write, values that never end, cycles ---------------------------------

test('a 100,000-deep object is beyond JSON.stringify, and the package refuses it as ERR_TOO_DEEP', () => {
  const deep = nestedValue(100_000, 'objects');
  assert.throws(() => JSON.stringify(deep), RangeError, 'the host itself cannot write it');
  const rows = [
    ['bills.query.build', () => bills.query.build(deep, { env: 'test' })],
    ['bills.query.sign', () => bills.query.sign({ ...example('query'), extra: deep }, { env: 'test', allowUnknownFields: true, ...CREDENTIALS })],
    ['buildRequest', () => api.buildRequest(UNTABLED, { a: deep }, { env: 'test' })],
    ['formParamUrl', () => api.formParamUrl({ ...CREDENTIALS, url: FORM_URL, content: { a: deep } })],
    ['notifications.parse', () => notifications.parse({ a: deep })],
    ['notifications.sign', () => notifications.sign({ a: deep }, NOTIFY_KEY)],
  ];
  for (const [name, call] of rows) {
    assert.throws(call, (error) => {
      assert.ok(error instanceof ChinaumsError, `${name}: ${errorText(error)}`);
      assert.equal(error.code, 'ERR_TOO_DEEP', `${name}: ${errorText(error)}`);
      assert.match(error.message, /128/, name);
      return true;
    });
    assert.equal(healthy(), null, name);
  }
  assert.equal(bills.query.validate({ a: deep }).issues[0].code, 'ERR_TOO_DEEP');
  assert.equal(notifications.verify({ a: deep }, NOTIFY_KEY), false);
});

/** An object whose every member is a new object like it: it never ends, and holds no cycle. */
function endless(counter) {
  return new Proxy(
    {},
    {
      ownKeys: () => ['a'],
      getOwnPropertyDescriptor: () => ({ value: undefined, enumerable: true, configurable: true, writable: true }),
      get: (_, key) => {
        if (key !== 'a') return undefined;
        counter.reads += 1;
        return endless(counter);
      },
    },
  );
}

test('a value that never ends is read only as far as the limit: ERR_TOO_DEEP, after at most 129 levels', async () => {
  const rows = [
    ['bills.query.validate', (v) => bills.query.validate(v)],
    ['bills.query.build', (v) => bills.query.build(v, { env: 'test' })],
    ['bills.preauthCancel.sign', (v) => bills.preauthCancel.sign(v, { env: 'test', ...CREDENTIALS })],
    ['bills.getQrcode.preview', (v) => bills.getQrcode.preview(v, { env: 'test', appId: V1.appId })],
    ['buildRequest', (v) => api.buildRequest(UNTABLED, v, { env: 'test' })],
    ['formParamUrl', (v) => api.formParamUrl({ ...CREDENTIALS, url: FORM_URL, content: v })],
    ['notifications.parse', (v) => notifications.parse(v)],
    ['notifications.stringToSign', (v) => notifications.stringToSign(v)],
    ['notifications.verify', (v) => notifications.verify(v, NOTIFY_KEY)],
  ];
  const { client } = stubbedClient(() => '{"errCode":"SUCCESS"}');
  rows.push(['client.request', (v) => client.request(UNTABLED, v)]);
  try {
    for (const [name, call] of rows) {
      const counter = { reads: 0 };
      const o = await outcome(() => call(endless(counter)));
      const problem = name === 'notifications.verify' ? isFalse(o) : judge(o, { depth: Infinity, place: 'top' }, { fields: ['a'], within: succeeded });
      assert.equal(problem, null, `${name}: ${problem}`);
      assert.ok(counter.reads <= LIMIT + 1, `${name}: ${counter.reads} levels read`);
      assert.equal(healthy(), null, name);
    }
  } finally {
    client.free();
  }
});

test('cyclic values are typed errors (ERR_FIELD_TYPE naming the member), never ERR_INTERNAL', async () => {
  const cyclic = { billNo: '3194A' };
  cyclic.self = cyclic;
  const inner = { a: [] };
  inner.a.push(inner);
  const { client, sent } = stubbedClient(() => '{"errCode":"SUCCESS"}');
  const rows = [
    ['bills.query.validate', () => bills.query.validate(cyclic), 'self'],
    ['bills.query.build', () => bills.query.build(cyclic, { env: 'test' }), 'self'],
    ['bills.query.sign', () => bills.query.sign({ ...example('query'), extra: inner }, { env: 'test', allowUnknownFields: true, ...CREDENTIALS }), 'extra'],
    ['bills.query.preview', () => bills.query.preview(cyclic, { env: 'test', appId: V1.appId }), 'self'],
    ['buildRequest', () => api.buildRequest(UNTABLED, { x: inner }, { env: 'test' }), 'x'],
    ['formParamUrl', () => api.formParamUrl({ ...CREDENTIALS, url: FORM_URL, content: cyclic }), 'self'],
    ['notifications.parse', () => notifications.parse(cyclic), null],
    ['notifications.sign', () => notifications.sign(cyclic, NOTIFY_KEY), null],
    ['client.request', () => client.request(UNTABLED, cyclic), 'self'],
    ['client.bills.query', () => client.bills.query(cyclic), 'self'],
  ];
  try {
    for (const [name, call, field] of rows) {
      const o = await outcome(call);
      const f = failure(o);
      assert.ok(f?.typed, `${name}: ${'error' in o ? errorText(o.error) : brief(o.value)}`);
      assert.notEqual(f.code, 'ERR_INTERNAL', name);
      if (field !== null) assert.deepEqual([f.code, f.field], ['ERR_FIELD_TYPE', field], name);
      assert.equal(healthy(), null, name);
    }
    assert.equal(notifications.verify(cyclic, NOTIFY_KEY), false);
    assert.equal(sent.length, 0, 'nothing was sent');
  } finally {
    client.free();
  }
});

test('the limit is the documented constant', () => {
  assert.equal(constants.MAX_JSON_DEPTH, LIMIT);
  assert.equal(nestedText(3, 'arrays'), '[[[1]]]');
  assert.equal(nestedText(2, 'objects'), '{"a":{"a":1}}');
  assert.deepEqual(nestedValue(2, 'arrays'), [[1]]);
});
