//! The wasm build, run by wasm-bindgen-test-runner in Node: the shared vectors through the
//! exact exports the npm package calls, the JS-backed clock and CSPRNG, and errors as thrown to
//! JavaScript (here without the package's registered class: an `Error` with the same fields).
//! Option bags cross as the JSON text the package's `encode(snapshot)` writes, bodies separately,
//! requests as the wire string `url⏎content type⏎authorization⏎body`, received data as JSON text.
//!
//! This is where a deep document would really overflow the stack (wasm's stack is
//! small), so every export that reads JSON text is fed depths around and far beyond the limit
//! (128), each followed by a healthy signature of the V1 vector, and a property test feeds random
//! nested documents to all of them.
// Test helpers outside #[test] functions may assert with unwrap and indexing too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg(target_arch = "wasm32")]

use chinaums_open::wasm as binding;
use js_sys::{Object, Reflect, Uint8Array};
use serde_json::{json, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const OPEN_BODY_SIG: &str = include_str!("vectors/open-body-sig.json");
const ACCESS_TOKEN: &str = include_str!("vectors/access-token.json");
const OPEN_FORM_PARAM: &str = include_str!("vectors/open-form-param.json");
const NOTIFY: &str = include_str!("vectors/notify.json");
const V1_MS: f64 = 1_735_758_245_000.0;
const TS: &str = "20250102030405";
const PREAUTH_CANCEL: &str = "/v1/netpay/bills/preauth-cancel";
const PREAUTHED: &str = "/v1/netpay/bills/preauthed";
const PREAUTHED_CANCEL: &str = "/v1/netpay/bills/preauthed-cancel";
const GET_QRCODE: &str = "/v1/netpay/bills/get-qrcode";
const CLOSE_QRCODE: &str = "/v1/netpay/bills/close-qrcode";
/// A versioned path without a table: its body is written exactly.
const UNTABLED: &str = "/v1/netpay/refund-query";
const MAX_DEPTH: usize = 128;

fn cases_of(file: &str) -> (Value, Vec<Value>) {
    let doc: Value = serde_json::from_str(file).unwrap();
    let cases = doc["cases"].as_array().unwrap().clone();
    assert!(!cases.is_empty());
    (doc, cases)
}

fn cases() -> Vec<Value> {
    cases_of(OPEN_BODY_SIG).1
}

fn v1() -> Value {
    cases().into_iter().find(|c| s(c, "name").starts_with("V1-")).unwrap()
}

fn s<'a>(case: &'a Value, name: &str) -> &'a str {
    case[name].as_str().unwrap()
}

/// An option bag as the package's `encode(snapshot(…))` writes it: JSON text of the fields.
fn opts(fields: Value) -> Option<String> {
    assert!(fields.is_object(), "options are an object");
    Some(fields.to_string())
}

/// A result object as JSON.
fn value(result: JsValue) -> Value {
    serde_wasm_bindgen::from_value(result).unwrap()
}

/// A result the core wrote as JSON text (received data), as JSON (up to the core's own limit,
/// which is one level above serde_json's default).
fn text_value(result: String) -> Value {
    json_value(&result)
}

fn json_value(text: &str) -> Value {
    use serde::Deserialize as _;
    let mut reader = serde_json::Deserializer::from_str(text);
    reader.disable_recursion_limit();
    Value::deserialize(&mut reader).unwrap()
}

/// A request as the core writes it: `url⏎content type⏎authorization⏎body` (boundary.js `request()`).
fn wire(text: &str) -> Value {
    let mut parts = text.splitn(4, '\n');
    let mut next = || parts.next().unwrap().to_owned();
    let (url, content_type, authorization, body) = (next(), next(), next(), next());
    json!({ "url": url, "contentType": content_type, "authorization": authorization, "body": body })
}

/// `code`, `field` and `message` of what an export threw.
fn thrown(err: JsValue) -> (String, Option<String>, String) {
    let get = |name: &str| Reflect::get(&err, &name.into()).unwrap();
    (get("code").as_string().unwrap(), get("field").as_string(), get("message").as_string().unwrap())
}

fn code_and_field(err: JsValue) -> (String, Option<String>) {
    let (code, field, _) = thrown(err);
    (code, field)
}

fn err(code: &str, field: &str) -> (String, Option<String>) {
    (code.to_owned(), Some(field.to_owned()))
}

fn signer(app_id: &str, app_key: &str) -> binding::Signer {
    binding::Signer::new(opts(json!({ "appId": app_id, "appKey": app_key }))).unwrap()
}

fn sign(signer: &binding::Signer, body: &str, options: Value) -> Value {
    value(signer.sign_text(body, opts(options)).unwrap())
}

/// The V1 vector's header, from the node-free oracle (sha2 + hmac), to compare with the core's.
fn oracle_signature(app_id: &str, app_key: &str, timestamp: &str, nonce: &str, body: &[u8]) -> String {
    use hmac::{KeyInit, Mac};
    use sha2::Digest;
    let digest = base16ct::lower::encode_string(&sha2::Sha256::digest(body));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(app_key.as_bytes()).unwrap();
    mac.update(format!("{app_id}{timestamp}{nonce}{digest}").as_bytes());
    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, mac.finalize().into_bytes())
}

#[wasm_bindgen_test]
fn the_signer_and_the_stages_reproduce_every_vector() {
    for c in cases() {
        let out = sign(&signer(s(&c, "appId"), s(&c, "appKey")), s(&c, "body"), json!({ "timestamp": s(&c, "timestamp"), "nonce": s(&c, "nonce") }));
        for field in ["authorization", "signature", "bodyDigest"] {
            assert_eq!(out[field], c[field], "{} {field}", s(&c, "name"));
        }
        // The timestamp and nonce the caller gave are not copied back (the package keeps them).
        assert_eq!((&out["timestamp"], &out["nonce"]), (&Value::Null, &Value::Null));
        assert_eq!(binding::body_digest(s(&c, "body").into()).unwrap(), s(&c, "bodyDigest"));
        let bytes = Uint8Array::from(s(&c, "body").as_bytes());
        assert_eq!(binding::body_digest(bytes.into()).unwrap(), s(&c, "bodyDigest"));
        let parts = json!({ "appId": s(&c, "appId"), "timestamp": s(&c, "timestamp"), "nonce": s(&c, "nonce") });
        let mut sts_parts = parts.clone();
        sts_parts["bodyDigest"] = c["bodyDigest"].clone();
        let sts = binding::string_to_sign(opts(sts_parts)).unwrap();
        assert_eq!(sts, s(&c, "stringToSign"));
        assert_eq!(binding::compute_signature(opts(json!({ "appKey": s(&c, "appKey"), "stringToSign": sts }))).unwrap(), s(&c, "signature"));
        let mut header_parts = parts;
        header_parts["signature"] = c["signature"].clone();
        assert_eq!(binding::authorization_header(opts(header_parts)).unwrap(), s(&c, "authorization"));
        let oracle = oracle_signature(s(&c, "appId"), s(&c, "appKey"), s(&c, "timestamp"), s(&c, "nonce"), s(&c, "body").as_bytes());
        assert_eq!(oracle, s(&c, "signature"), "the oracle agrees with the vector {}", s(&c, "name"));
    }
}

#[wasm_bindgen_test]
fn every_vector_verifies_and_a_changed_body_does_not() {
    for c in cases() {
        let ts = s(&c, "timestamp");
        let signed_at = chinaums_open::time::BeijingTime::parse_compact(ts).unwrap().to_epoch_ms() as f64;
        let options = || opts(json!({ "authorization": s(&c, "authorization"), "appKey": s(&c, "appKey"), "now": signed_at }));
        let ok = value(binding::verify_open_body(options(), s(&c, "body").into(), None).unwrap());
        assert_eq!(ok, json!({ "appId": s(&c, "appId"), "timestamp": ts, "nonce": s(&c, "nonce") }));
        let (code, _, message) = thrown(binding::verify_open_body(options(), format!("{} ", s(&c, "body")).into(), None).unwrap_err());
        assert_eq!(code, "ERR_SIGNATURE_MISMATCH");
        assert!(!message.contains(s(&c, "appKey")));
    }
}

#[wasm_bindgen_test]
fn explain_signature_gives_every_stage_and_whether_a_header_matches() {
    let v1 = v1();
    let explain = |authorization: &str, body: &str| {
        value(binding::explain_signature(opts(json!({ "authorization": authorization, "appKey": s(&v1, "appKey") })), body.into(), None).unwrap())
    };
    let ok = explain(s(&v1, "authorization"), s(&v1, "body"));
    for field in ["bodyDigest", "stringToSign", "signature", "authorization"] {
        assert_eq!(ok[field], v1[field], "{field}");
    }
    assert_eq!((ok["appId"].as_str(), ok["timestamp"].as_str(), ok["matches"].as_bool()), (Some(s(&v1, "appId")), Some(TS), Some(true)));
    // One byte changed: another digest, and the received Signature no longer matches.
    let changed = s(&v1, "body").replace("000665", "000666");
    let bad = explain(s(&v1, "authorization"), &changed);
    assert_eq!(bad["matches"].as_bool(), Some(false));
    assert_ne!(bad["bodyDigest"], v1["bodyDigest"]);
    // Without a key: the public stages only.
    let public = value(binding::explain_signature(opts(json!({ "appId": s(&v1, "appId"), "timestamp": TS, "nonce": s(&v1, "nonce") })), s(&v1, "body").into(), None).unwrap());
    assert_eq!(public["stringToSign"], v1["stringToSign"]);
    assert!(public.get("signature").is_none() && public.get("matches").is_none());
}

#[wasm_bindgen_test]
fn a_body_hashed_in_parts_signs_and_verifies_like_the_whole() {
    use sha2::Digest;
    let signer = signer("app", "key");
    for size in [0usize, 63, 64, 1023, 1024, 5000, 70_000] {
        let body: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
        let digest = base16ct::lower::encode_string(&sha2::Sha256::digest(&body));
        let expected = oracle_signature("app", "key", TS, "n1", &body);
        let mut hasher = binding::BodyHasher::new();
        for part in body.chunks(4096) {
            hasher.update(part);
        }
        let options = || opts(json!({ "timestamp": TS, "nonce": "n1" }));
        let whole = value(signer.sign_bytes(&body, options()).unwrap());
        let parts = value(signer.sign_hashed(hasher, options()).unwrap());
        assert_eq!((whole["bodyDigest"].as_str(), whole["signature"].as_str()), (Some(digest.as_str()), Some(expected.as_str())), "{size} bytes");
        assert_eq!(parts, whole, "{size} bytes in parts");
    }
}

#[wasm_bindgen_test]
fn defaults_come_from_the_js_clock_and_crypto_get_random_values() {
    let signer = signer("app", "key");
    let a = sign(&signer, "{}", json!({ "now": V1_MS }));
    let b = sign(&signer, "{}", json!({ "now": V1_MS }));
    assert_eq!(a["timestamp"], TS);
    let nonce = a["nonce"].as_str().unwrap();
    assert!(nonce.len() == 32 && nonce.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')));
    assert_ne!(a["nonce"], b["nonce"], "a fresh nonce per call");
    assert_eq!(binding::create_nonce().unwrap().len(), 32);
    // 2,000 nonces cross several refills of the pool; none repeats.
    let seen: std::collections::HashSet<String> = (0..2000).map(|_| binding::create_nonce().unwrap()).collect();
    assert_eq!(seen.len(), 2000);
    // Without options at all: the JS clock (now) and a fresh nonce.
    let unset = value(signer.sign_text("{}", None).unwrap());
    assert_eq!(unset["timestamp"].as_str().map(str::len), Some(14));
    assert_eq!(unset["signature"].as_str().unwrap(), oracle_signature("app", "key", s(&unset, "timestamp"), s(&unset, "nonce"), b"{}"));
}

#[wasm_bindgen_test]
fn beijing_time_is_utc_plus_8() {
    assert_eq!(value(binding::beijing_time(1_735_747_200_000.0.into()).unwrap()), json!({ "compact": "20250102000000", "dateTime": "2025-01-02 00:00:00", "date": "2025-01-02" }));
    assert_eq!(value(binding::beijing_time(1_735_747_199_999.9.into()).unwrap())["dateTime"], "2025-01-01 23:59:59");
    assert_eq!(code_and_field(binding::beijing_time(f64::NAN.into()).unwrap_err()), err("ERR_FIELD_FORMAT", "epochMs"));
    assert_eq!(code_and_field(binding::beijing_time("now".into()).unwrap_err()), err("ERR_FIELD_TYPE", "epochMs"));
}

#[wasm_bindgen_test]
fn building_validating_previewing_and_parsing_preauth_cancel() {
    let input = r#"{"mid":"898201612345678","tid":"88880001","billNo":"3194202501020304050001","billDate":"2025-01-02","merOrderId":"31942025010203040500010","authIdRespCd":"000665"}"#;
    let options = || opts(json!({ "env": "test", "now": V1_MS, "msgSrcId": "3194" }));
    let built = wire(&binding::build_request(PREAUTH_CANCEL, input, None, options()).unwrap());
    assert_eq!(built["url"], "https://test-api-open.chinaums.com/v1/netpay/bills/preauth-cancel");
    assert_eq!((built["contentType"].as_str(), built["authorization"].as_str()), (Some("application/json"), Some("")));
    assert_eq!(built["body"], v1()["body"]);
    // The service name reaches the same table.
    assert_eq!(wire(&binding::build_request("preauth-cancel", input, None, options()).unwrap()), built);

    let bad_env = binding::build_request(PREAUTH_CANCEL, "{}", None, opts(json!({ "env": "prod" }))).unwrap_err();
    assert_eq!(code_and_field(bad_env), err("ERR_FIELD_FORMAT", "env"));
    let unknown = binding::build_request(PREAUTH_CANCEL, r#"{"billno":"x"}"#, None, options()).unwrap_err();
    assert_eq!(thrown(unknown.clone()).0, "ERR_UNKNOWN_FIELD");
    assert_eq!(js_sys::Array::from(&Reflect::get(&unknown, &"issues".into()).unwrap()).length(), 7);

    // Validation checks the input as build uses it by default (defaults filled)…
    let validation = value(binding::validate_request(PREAUTH_CANCEL, input, None, None).unwrap());
    assert_eq!(validation, json!({ "ok": true, "issues": [] }));
    // … and as it will be sent with applyDefaults: false.
    let as_sent = value(binding::validate_request(PREAUTH_CANCEL, input, None, opts(json!({ "applyDefaults": false }))).unwrap());
    let fields: Vec<&str> = as_sent["issues"].as_array().unwrap().iter().map(|i| i["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["requestTimestamp", "instMid"]);
    let validation = value(binding::validate_request(PREAUTH_CANCEL, r#"{"billDate":"2025-02-30"}"#, None, None).unwrap());
    assert_eq!(validation["ok"], false);
    assert!(validation["issues"].as_array().unwrap().iter().any(|i| i["field"] == "billDate" && i["code"] == "ERR_FIELD_FORMAT"));
    // A field the package could not encode is reported first, and not again as missing.
    let validation = value(binding::validate_request(PREAUTH_CANCEL, "{}", Some(vec!["mid".into()]), None).unwrap());
    let fields: Vec<(&str, &str)> = validation["issues"].as_array().unwrap().iter().map(|i| (i["field"].as_str().unwrap(), i["code"].as_str().unwrap())).collect();
    assert_eq!(fields[0], ("mid", "ERR_BODY_ENCODING"));
    assert_eq!(fields.iter().filter(|(f, _)| *f == "mid").count(), 1);
    // An unencodable field refuses a build even when the rest would be valid.
    let refused = binding::build_request(PREAUTH_CANCEL, input, Some(vec!["srcReserve".into()]), options()).unwrap_err();
    assert_eq!(code_and_field(refused), err("ERR_BODY_ENCODING", "srcReserve"));

    let preview = value(binding::preview_request(PREAUTH_CANCEL, input, None, opts(json!({ "env": "test", "now": V1_MS, "appId": "app", "nonce": "n1" }))).unwrap());
    assert_eq!(preview["request"]["url"], built["url"]);
    assert_eq!(preview["request"]["body"], built["body"]);
    assert_eq!(preview["authorization"], format!(r#"OPEN-BODY-SIG AppId="app", Timestamp="{TS}", Nonce="n1", Signature="<computed by the server>""#));

    let parsed = text_value(binding::parse_response(r#"{"errCode":"SUCCESS","billStatus":"CLOSED","billPayment":{"totalAmount":"2100"}}"#, None).unwrap());
    assert_eq!((parsed["ok"].as_bool(), parsed["billPayment"]["totalAmount"].as_u64()), (Some(true), Some(2100)));
    let bad_amount = binding::parse_response(r#"{"errCode":"SUCCESS","totalAmount":-1}"#, None).unwrap_err();
    assert_eq!(code_and_field(bad_amount), err("ERR_INVALID_RESPONSE", "totalAmount"));
}

#[wasm_bindgen_test]
fn one_call_builds_and_signs_like_build_then_sign() {
    let v1 = v1();
    let input = r#"{"mid":"898201612345678","tid":"88880001","billNo":"3194202501020304050001","billDate":"2025-01-02","merOrderId":"31942025010203040500010","authIdRespCd":"000665"}"#;
    let fields = json!({ "env": "test", "now": V1_MS, "appId": s(&v1, "appId"), "appKey": s(&v1, "appKey"), "timestamp": TS, "nonce": s(&v1, "nonce") });
    let signed = wire(&binding::sign_request(PREAUTH_CANCEL, input, None, opts(fields.clone())).unwrap());
    assert_eq!((signed["body"].as_str(), signed["authorization"].as_str()), (Some(s(&v1, "body")), Some(s(&v1, "authorization"))));
    // The same through a long-lived signer.
    let held = signer(s(&v1, "appId"), s(&v1, "appKey"));
    let by_signer = wire(&held.sign_request(PREAUTH_CANCEL, input, None, opts(json!({ "env": "test", "now": V1_MS, "timestamp": TS, "nonce": s(&v1, "nonce") }))).unwrap());
    assert_eq!(by_signer, signed);
    let no_key = binding::sign_request(PREAUTH_CANCEL, input, None, opts(json!({ "env": "test", "appId": "app" }))).unwrap_err();
    assert_eq!(code_and_field(no_key), err("ERR_FIELD_REQUIRED", "appKey"));
}

#[wasm_bindgen_test]
fn access_token_vectors_and_the_holder() {
    for c in cases_of(ACCESS_TOKEN).1 {
        let request = wire(
            &binding::access_token_request(opts(json!({ "appId": s(&c, "appId"), "appKey": s(&c, "appKey"), "timestamp": s(&c, "timestamp"), "nonce": s(&c, "nonce"), "env": "test" }))).unwrap(),
        );
        assert_eq!((request["url"].as_str(), request["body"].as_str()), (Some("https://test-api-open.chinaums.com/v1/token/access"), Some(s(&c, "body"))));
    }
    // Timestamp from the clock given, nonce from crypto.getRandomValues.
    let request = wire(&binding::access_token_request(opts(json!({ "appId": "app", "appKey": "key", "now": V1_MS, "baseUrl": "http://127.0.0.1:9" }))).unwrap());
    let body: Value = serde_json::from_str(request["body"].as_str().unwrap()).unwrap();
    assert_eq!((body["timestamp"].as_str(), body["nonce"].as_str().map(str::len)), (Some(TS), Some(32)));

    let token = binding::parse_access_token_response(r#"{"errCode":"0000","accessToken":"tok","expiresIn":3600}"#, opts(json!({ "now": V1_MS }))).unwrap();
    assert_eq!(text_value(token.clone())["expiresAt"].as_f64(), Some(V1_MS + 3_600_000.0));
    let refused = binding::parse_access_token_response(r#"{"errCode":"1000","errInfo":"认证失败"}"#, None).unwrap_err();
    assert_eq!(Reflect::get(&refused, &"platformCode".into()).unwrap().as_string().as_deref(), Some("1000"));
    assert_eq!(binding::token_authorization("tok".into()).unwrap(), "OPEN-ACCESS-TOKEN AccessToken=tok");

    let mut holder = binding::TokenHolder::new(None).unwrap();
    assert!(holder.needs_refresh(V1_MS.into()).unwrap());
    holder.update(Some(token)).unwrap();
    assert_eq!(value(holder.state().unwrap())["refreshAt"].as_f64(), Some(V1_MS + 3_300_000.0));
    assert!(!holder.needs_refresh(V1_MS.into()).unwrap());
    assert_eq!(holder.authorization(V1_MS.into()).unwrap(), "OPEN-ACCESS-TOKEN AccessToken=tok");
    assert_eq!(code_and_field(holder.authorization((V1_MS + 3_600_000.0).into()).unwrap_err()), err("ERR_TOKEN_EXPIRED", "accessToken"));
    let bad = binding::TokenHolder::new(opts(json!({ "marginSeconds": 1.5 }))).err().unwrap();
    assert_eq!(code_and_field(bad), err("ERR_FIELD_FORMAT", "marginSeconds"));
    assert_eq!(code_and_field(holder.update(None).unwrap_err()).1.as_deref(), Some("token"));
}

#[wasm_bindgen_test]
fn open_form_param_vectors() {
    for c in cases_of(OPEN_FORM_PARAM).1 {
        let options = opts(json!({
            "appId": s(&c, "appId"), "appKey": s(&c, "appKey"), "url": "https://test-api-open.chinaums.com/v1/netpay/trade/h5-pay",
            "timestamp": s(&c, "timestamp"), "nonce": s(&c, "nonce"),
        }));
        let url = binding::form_param_url(options, s(&c, "content").into()).unwrap();
        assert_eq!(url, format!("https://test-api-open.chinaums.com/v1/netpay/trade/h5-pay?{}", s(&c, "query")));
    }
}

#[wasm_bindgen_test]
fn notification_vectors_and_tampering() {
    let (doc, cases) = cases_of(NOTIFY);
    let key = || JsValue::from_str(doc["key"].as_str().unwrap());
    for c in cases {
        let params = serde_json::to_string(&c["params"]).unwrap();
        assert!(binding::verify_notification(Some(params.clone()), false, key(), None).unwrap(), "{}", s(&c, "name"));
        assert_eq!(binding::sign_notification(&params, false, key(), None).unwrap(), s(&c, "sign"));
        let expected = s(&c, "stringToHash").strip_suffix(doc["key"].as_str().unwrap()).unwrap();
        assert_eq!(binding::notification_string_to_sign(&params, false, None).unwrap(), expected);
        let tampered = params.replace("\"PAID\"", "\"UNPAID\"");
        assert!(!binding::verify_notification(Some(tampered), false, key(), None).unwrap());
        assert!(!binding::verify_notification(Some(params.clone()), false, "another-key".into(), None).unwrap());
        assert_eq!(text_value(binding::parse_notification(&params, false).unwrap())["billPayment"]["status"], "TRADE_SUCCESS");
    }
    let sign = binding::sign_notification("b=x+y&signType=MD5", true, "k".into(), None).unwrap();
    assert!(binding::verify_notification(Some(format!("b=x+y&signType=MD5&sign={sign}")), true, "k".into(), opts(json!({ "defaultSignType": "SHA256" }))).unwrap());
    assert!(!binding::verify_notification(Some(format!("b=x%2By&signType=MD5&sign={sign}")), true, "k".into(), None).unwrap());
    assert!(!binding::verify_notification(Some("b=%zz".into()), true, "k".into(), None).unwrap());
    assert!(!binding::verify_notification(None, true, "k".into(), None).unwrap(), "undecodable is false");
    assert_eq!(code_and_field(binding::verify_notification(None, true, "".into(), None).unwrap_err()), err("ERR_FIELD_REQUIRED", "communicationKey"));
    let bad_option = binding::verify_notification(None, true, "k".into(), opts(json!({ "defaultSignType": "SHA1" }))).unwrap_err();
    assert_eq!(code_and_field(bad_option), err("ERR_FIELD_FORMAT", "defaultSignType"));
    let negative = binding::parse_notification("totalAmount=-5", true).unwrap_err();
    assert_eq!(code_and_field(negative), err("ERR_INVALID_RESPONSE", "totalAmount"));
}

#[wasm_bindgen_test]
fn response_signatures_are_optional_but_never_wrong() {
    let v1 = v1();
    let options = |authorization: Value| opts(json!({ "authorization": authorization, "appKey": s(&v1, "appKey"), "now": V1_MS }));
    assert_eq!(value(binding::verify_response_signature(options(Value::Null), "{}".into(), None).unwrap()), json!({ "signed": false }));
    let signed = value(binding::verify_response_signature(options(v1["authorization"].clone()), s(&v1, "body").into(), None).unwrap());
    assert_eq!(signed, json!({ "signed": true, "appId": s(&v1, "appId"), "timestamp": TS, "nonce": s(&v1, "nonce") }));
    let wrong = binding::verify_response_signature(options(v1["authorization"].clone()), "{}".into(), None).unwrap_err();
    assert_eq!(thrown(wrong).0, "ERR_SIGNATURE_MISMATCH");
}

#[wasm_bindgen_test]
fn lifecycle_builders_and_the_generic_builder() {
    let capture = r#"{"mid":"898201612345678","tid":"88880001","billNo":"3194202501020304050001","billDate":"2025-01-02","authedOrderId":"31942025010203040500011","authIdRespCd":"000665","totalAmount":2100}"#;
    let options = || opts(json!({ "env": "test", "now": V1_MS, "msgSrcId": "3194" }));
    let built = wire(&binding::build_request(PREAUTHED, capture, None, options()).unwrap());
    assert_eq!(
        built["body"],
        "{\"requestTimestamp\":\"2025-01-02 03:04:05\",\"mid\":\"898201612345678\",\"tid\":\"88880001\",\"instMid\":\"QRPAYDEFAULT\",\"billNo\":\"3194202501020304050001\",\"billDate\":\"2025-01-02\",\"authedOrderId\":\"31942025010203040500011\",\"authIdRespCd\":\"000665\",\"totalAmount\":2100}"
    );
    let zero = binding::build_request(PREAUTHED, &capture.replace("2100", "0"), None, options()).unwrap_err();
    assert_eq!(code_and_field(zero), err("ERR_FIELD_FORMAT", "totalAmount"));
    let validation = value(binding::validate_request(PREAUTHED_CANCEL, "{}", None, None).unwrap());
    let fields: Vec<&str> = validation["issues"].as_array().unwrap().iter().map(|i| i["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["mid", "tid", "merOrderId"]);
    assert_eq!(code_and_field(binding::validate_request("/v1/netpay/bills/refund-nothing", "{}", None, None).unwrap_err()), err("ERR_FIELD_FORMAT", "path"));

    let base = || opts(json!({ "baseUrl": "http://127.0.0.1:9/", "now": V1_MS }));
    let generic = wire(&binding::build_request(UNTABLED, r#"{"qrCodeId":"Q1","n":1.50}"#, None, base()).unwrap());
    assert_eq!(generic["url"], "http://127.0.0.1:9/v1/netpay/refund-query");
    assert_eq!(generic["body"], "{\"requestTimestamp\":\"2025-01-02 03:04:05\",\"qrCodeId\":\"Q1\",\"n\":1.50}");
    // A service name or path with a table is validated by it: `n` is no close-qrcode field.
    for path in ["close-qrcode", CLOSE_QRCODE] {
        let refused = binding::build_request(path, r#"{"mid":"m","tid":"t","qrCodeId":"Q1","n":1.50}"#, None, base()).unwrap_err();
        assert_eq!(code_and_field(refused), err("ERR_UNKNOWN_FIELD", "n"), "{path}");
    }
    let traversal = binding::build_request("../token", "{}", None, opts(json!({ "env": "test" }))).unwrap_err();
    assert_eq!(code_and_field(traversal).1.as_deref(), Some("path"));
}

#[wasm_bindgen_test]
fn clock_offset_from_the_response_timestamp() {
    assert_eq!(binding::clock_offset("2025-01-02 03:04:05".into(), (V1_MS - 120_000.0).into()).unwrap(), 120_000.0);
    assert_eq!(binding::clock_offset("2025-01-02 03:04:05".into(), (V1_MS + 1_500.0).into()).unwrap(), -1_500.0);
    assert_eq!(code_and_field(binding::clock_offset("yesterday".into(), V1_MS.into()).unwrap_err()).1.as_deref(), Some("responseTimestamp"));
}

#[wasm_bindgen_test]
fn body_caps_are_configurable_and_reported_with_their_field() {
    let capped = binding::Signer::new(opts(json!({ "appId": "app", "appKey": "key", "maxBodyBytes": 4 }))).unwrap();
    let fixed = || opts(json!({ "timestamp": TS, "nonce": "n" }));
    let over = capped.sign_text("12345", fixed()).unwrap_err();
    assert_eq!(code_and_field(over), err("ERR_BODY_TOO_LARGE", "body"));
    assert!(capped.sign_text("1234", fixed()).is_ok());
    // Numbers JSON cannot hold arrive tagged, as the package's encode() writes them.
    for bad in ["-1", "1.5", r#"{"$js":"NaN"}"#, r#"{"$js":"Infinity"}"#, "2e9"] {
        let options = format!(r#"{{"appId":"app","appKey":"key","maxBodyBytes":{bad}}}"#);
        assert_eq!(code_and_field(binding::Signer::new(Some(options)).err().unwrap()), err("ERR_FIELD_FORMAT", "maxBodyBytes"), "{bad}");
    }
    let typed = binding::Signer::new(Some(r#"{"appId":"app","appKey":"key","maxBodyBytes":{"$js":"bigint"}}"#.into())).err().unwrap();
    assert_eq!(code_and_field(typed), err("ERR_FIELD_TYPE", "maxBodyBytes"));
    let small = || opts(json!({ "maxBodyBytes": 10 }));
    assert_eq!(code_and_field(binding::parse_response(r#"{"errCode":"SUCCESS"}"#, small()).unwrap_err()), err("ERR_BODY_TOO_LARGE", "text"));
    let validation = value(binding::validate_request(PREAUTH_CANCEL, "{}", None, opts(json!({ "maxBodyBytes": 1 }))).unwrap());
    assert_eq!((validation["issues"][0]["code"].as_str(), validation["issues"][0]["field"].as_str()), (Some("ERR_BODY_TOO_LARGE"), Some("input")));
    // The package's pre-copy check gives the core's errors, by field.
    let check = |field: &str, len: f64| binding::check_input_size(field, len, JsValue::UNDEFINED);
    assert_eq!(code_and_field(check("body", 2_000_000.0).unwrap_err()), err("ERR_BODY_TOO_LARGE", "body"));
    assert_eq!(code_and_field(check("authorization", 5000.0).unwrap_err()), err("ERR_HEADER_TOO_LARGE", "authorization"));
    assert_eq!(code_and_field(check("appId", 5000.0).unwrap_err()), err("ERR_FIELD_LENGTH", "appId"));
    assert_eq!(code_and_field(check("timestamp", 5000.0).unwrap_err()), err("ERR_FIELD_FORMAT", "timestamp"));
    assert!(check("body", 1_048_576.0).is_ok());
}

#[wasm_bindgen_test]
fn option_bags_that_are_not_objects_are_typed_errors() {
    for (text, what) in [("[]", "an array"), ("42", "a number"), (r#""opts""#, "a string"), ("nope", "not JSON")] {
        let error = binding::Signer::new(Some(text.into())).err().unwrap();
        let (code, _, message) = thrown(error);
        assert!(matches!(code.as_str(), "ERR_FIELD_TYPE" | "ERR_INVALID_JSON"), "{what}: {code} {message}");
    }
    assert_eq!(thrown(binding::Signer::new(None).err().unwrap()).0, "ERR_FIELD_REQUIRED");
    // Optional bags: null is none at all.
    assert!(binding::parse_response(r#"{"errCode":"SUCCESS"}"#, Some("null".into())).is_ok());
}

#[wasm_bindgen_test]
fn notification_conventions_of_other_clients_are_options() {
    let params = "b=2&a=&signType=MD5";
    let with = |o| binding::notification_string_to_sign(params, true, opts(o)).unwrap();
    assert_eq!(with(json!({})), "b=2&signType=MD5");
    assert_eq!(with(json!({ "keepEmptyValues": true, "excludeSignType": true })), "a=&b=2");
    let bad = binding::notification_string_to_sign(params, true, opts(json!({ "keepEmptyValues": "yes" }))).unwrap_err();
    assert_eq!(code_and_field(bad), err("ERR_FIELD_TYPE", "keepEmptyValues"));
}

#[wasm_bindgen_test]
fn content_type_is_opt_in_and_checked() {
    let build = |o: Value| binding::build_request(UNTABLED, r#"{"a":"1"}"#, None, opts(o));
    let base = json!({ "baseUrl": "http://127.0.0.1:9", "now": V1_MS });
    assert_eq!(wire(&build(base.clone()).unwrap())["contentType"], "application/json");
    let mut utf8 = base.clone();
    utf8["contentType"] = json!("application/json; charset=utf-8");
    let request = wire(&build(utf8).unwrap());
    assert_eq!((request["contentType"].as_str(), request["url"].as_str()), (Some("application/json; charset=utf-8"), Some("http://127.0.0.1:9/v1/netpay/refund-query")));
    let mut bad = base;
    bad["contentType"] = json!("text/plain");
    assert_eq!(code_and_field(build(bad).unwrap_err()), err("ERR_FIELD_FORMAT", "contentType"));
    let typed = binding::build_request(CLOSE_QRCODE, r#"{"mid":"m","tid":"t","qrCodeId":"3194Q"}"#, None, opts(json!({ "baseUrl": "http://127.0.0.1:9", "now": V1_MS }))).unwrap();
    assert!(wire(&typed)["body"].as_str().unwrap().contains(r#""instMid":"QRPAYDEFAULT""#), "the table's default is filled");
}

#[wasm_bindgen_test]
fn recovery_decides_and_the_host_only_runs_the_loop() {
    let mut recovery = binding::Recovery::new(opts(json!({ "attempts": 4, "baseDelayMs": 100, "maxDelayMs": 100 }))).unwrap();
    assert_eq!(text_value(recovery.start().unwrap()), json!({ "action": "send", "step": "query", "delayMs": 0 }));
    let frozen = r#"{"errCode":"SUCCESS","billStatus":"PAID","billPayment":{"status":"TRADE_SUCCESS"}}"#;
    let next = text_value(recovery.answer(Some(200), Some(frozen.into()), 0.5).unwrap());
    assert_eq!(next, json!({ "action": "send", "step": "cancel", "delayMs": 0 }));
    let after_lost = text_value(recovery.answer(None, None, 0.0).unwrap());
    assert_eq!(after_lost, json!({ "action": "send", "step": "query", "delayMs": 50 }));
    let voided = r#"{"errCode":"SUCCESS","billStatus":"CLOSED","billPayment":{"status":"TRADE_CLOSED"}}"#;
    let done = text_value(recovery.answer(Some(200), Some(voided.into()), 0.5).unwrap());
    assert_eq!((done["action"].as_str(), done["outcome"].as_str(), done["bill"]["billStatus"].as_str()), (Some("done"), Some("already-cancelled"), Some("CLOSED")));
    assert_eq!(code_and_field(recovery.answer(Some(200), Some(voided.into()), 0.5).unwrap_err()), err("ERR_INVALID_STATE", "recovery"));
    let bad = binding::Recovery::new(opts(json!({ "attempts": 1 }))).err().unwrap();
    assert_eq!(code_and_field(bad), err("ERR_FIELD_FORMAT", "retry.attempts"));
    // Each number is told its own limit.
    for (options, field, limit) in [(json!({ "attempts": 700_000 }), "retry.attempts", "100"), (json!({ "maxDelayMs": 700_000 }), "retry.maxDelayMs", "600000")] {
        let (code, named, message) = thrown(binding::Recovery::new(opts(options)).err().unwrap());
        assert_eq!((code.as_str(), named.as_deref()), ("ERR_FIELD_FORMAT", Some(field)));
        assert!(message.contains(&format!("to {limit}")), "{message}");
    }
    let query = binding::recovery_query_input(r#"{"mid":"m","billNo":"3194A","merOrderId":"3194M"}"#).unwrap();
    assert_eq!(query, r#"{"mid":"m","billNo":"3194A"}"#);
    assert_eq!(binding::check_client_options(opts(json!({ "env": "test" }))).unwrap(), 10_000.0);
    assert_eq!(code_and_field(binding::check_client_options(opts(json!({ "env": "test", "timeoutMs": 0 }))).unwrap_err()), err("ERR_FIELD_FORMAT", "timeoutMs"));
}

// Received data as JSON text: JSON.parse keeps `__proto__` as an own member ------------------------

#[wasm_bindgen_test]
fn received_data_crosses_as_json_text_that_keeps_prototype_members_as_data() {
    let members = r#""__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"prototype":{"polluted":3}"#;
    // Bills responses and notifications keep unknown members; a token answer has a fixed shape.
    let texts = [
        (true, binding::parse_response(&format!(r#"{{"errCode":"SUCCESS",{members},"billPayment":{{{members},"totalAmount":1}}}}"#), None).unwrap()),
        (false, binding::parse_access_token_response(&format!(r#"{{"errCode":"0000","accessToken":"t","expiresIn":60,{members}}}"#), opts(json!({ "now": V1_MS }))).unwrap()),
        (true, binding::parse_notification(&format!(r#"{{"billNo":"1",{members}}}"#), false).unwrap()),
        (true, binding::parse_notification(&format!("billNo=1&__proto__=x&constructor=y&prototype=z&billPayment={}", "%7B%22__proto__%22%3A%7B%22polluted%22%3A1%7D%7D"), true).unwrap()),
    ];
    let object_prototype: JsValue = Object::get_prototype_of(&Object::new()).into();
    for (keeps, text) in texts {
        assert_eq!(text.contains("__proto__"), keeps, "{text}");
        let parsed = js_sys::JSON::parse(&text).unwrap();
        assert_eq!(JsValue::from(Object::get_prototype_of(&parsed)), object_prototype, "{text}");
        assert_eq!(Object::has_own(&Object::from(parsed.clone()), &"__proto__".into()), keeps, "{text}");
        assert!(Reflect::get(&parsed, &"polluted".into()).unwrap().is_undefined(), "{text}");
    }
    assert!(Reflect::get(&object_prototype, &"polluted".into()).unwrap().is_undefined());
}

// Nesting ---------------------------------------------------------------------------------------------

/// The vector's signature from a fresh signer and a one-shot sign_request: the instance is healthy.
fn assert_healthy(after: &str) {
    let v1 = v1();
    let signed = sign(&signer(s(&v1, "appId"), s(&v1, "appKey")), s(&v1, "body"), json!({ "timestamp": TS, "nonce": s(&v1, "nonce") }));
    assert_eq!(signed["signature"], v1["signature"], "after {after}");
    let options = opts(json!({ "env": "test", "appId": s(&v1, "appId"), "appKey": s(&v1, "appKey"), "timestamp": TS, "nonce": s(&v1, "nonce") }));
    let request = wire(&binding::sign_request(PREAUTH_CANCEL, s(&v1, "body"), None, options).unwrap());
    assert_eq!(request["authorization"], v1["authorization"], "after {after}");
}

#[derive(Clone, Copy, Debug)]
enum Shape {
    Arrays,
    Objects,
}

/// A value nested `depth` levels deep (0: a number).
fn nested(depth: usize, shape: Shape) -> String {
    match (depth, shape) {
        (0, _) => "1".into(),
        (d, Shape::Arrays) => format!("{}{}", "[".repeat(d), "]".repeat(d)),
        (d, Shape::Objects) => format!("{}{{}}{}", r#"{"a":"#.repeat(d - 1), "}".repeat(d - 1)),
    }
}

/// What a call gave: success, a thrown error's code and field, or a validation's first issue.
#[derive(Clone, Debug, PartialEq)]
enum Out {
    Ok,
    False,
    Err(String, Option<String>),
}

fn out<T>(result: Result<T, JsValue>) -> Out {
    match result {
        Ok(_) => Out::Ok,
        Err(error) => {
            let (code, field) = code_and_field(error);
            Out::Err(code, field)
        }
    }
}

/// A `{ ok, issues }` (validation, preview) as an outcome: its first issue when not ok.
fn checked(result: Result<JsValue, JsValue>) -> Out {
    match result {
        Ok(v) => {
            let v = value(v);
            if v["ok"] == true {
                return Out::Ok;
            }
            let first = &v["issues"][0];
            Out::Err(first["code"].as_str().unwrap().to_owned(), first["field"].as_str().map(str::to_owned))
        }
        Err(error) => out::<()>(Err(error)),
    }
}

fn deep(field: Option<&str>) -> Out {
    Out::Err("ERR_TOO_DEEP".into(), field.map(str::to_owned))
}

fn code(code: &str, field: Option<&str>) -> Out {
    Out::Err(code.into(), field.map(str::to_owned))
}

/// `base` (a JSON object's text) with one more member.
fn with_member(base: &str, name: &str, member: &str) -> String {
    let open = base.strip_suffix('}').unwrap();
    let comma = if open.trim_end().ends_with('{') { "" } else { "," };
    format!(r#"{open}{comma}"{name}":{member}}}"#)
}

const PC_INPUT: &str = r#"{"requestTimestamp":"2025-01-02 03:04:05","mid":"898201612345678","tid":"88880001","instMid":"QRPAYDEFAULT","billNo":"3194202501020304050001","billDate":"2025-01-02","merOrderId":"31942025010203040500010","authIdRespCd":"000665"}"#;
const QR_INPUT: &str = r#"{"mid":"898201612345678","tid":"88880001","billNo":"3194202501020304050001","billDate":"2025-01-02","totalAmount":2100}"#;
const BUILD: &str = r#"{"env":"test","now":1735758245000,"allowUnknownFields":true}"#;
const SIGN: &str = r#"{"env":"test","now":1735758245000,"allowUnknownFields":true,"appId":"app","appKey":"key","timestamp":"20250102030405","nonce":"n1"}"#;
const PREVIEW: &str = r#"{"env":"test","now":1735758245000,"allowUnknownFields":true,"appId":"app","nonce":"n1"}"#;
const CREDENTIALS: &str = r#"{"appId":"app","appKey":"key"}"#;
/// A stored durable-recovery state, as this release writes it.
const STORED_STATE: &str = include_str!("../fuzz/corpus/recovery_state/due-query");

/// One export that reads JSON text: how `doc` reaches it, and the outcome expected at a depth
/// within the limit (`None`: it must work, i.e. be Ok).
struct Reader {
    name: &'static str,
    call: Box<dyn Fn(&str) -> Out>,
    /// The field a too-deep error names when the nesting is inside member `m` of the document.
    member_field: fn(&str) -> Option<String>,
    /// The field a too-deep error names when the whole document is nested.
    top_field: Option<&'static str>,
}

fn named(m: &str) -> Option<String> {
    Some(m.to_owned())
}

fn no_name(_: &str) -> Option<String> {
    None
}

/// Every export that takes JSON text, with `doc` in the place the text goes.
fn readers() -> Vec<Reader> {
    let reader = |name, call: Box<dyn Fn(&str) -> Out>, member_field, top_field| Reader { name, call, member_field, top_field };
    let answer = |doc: &str| {
        let mut recovery = binding::Recovery::new(None).unwrap();
        recovery.start().unwrap();
        match recovery.answer(Some(200), Some(doc.into()), 0.5) {
            // An unreadable answer is retried like any other: the same decision as for garbage.
            Ok(decision) => {
                let mut control = binding::Recovery::new(None).unwrap();
                control.start().unwrap();
                if decision == control.answer(Some(200), Some("not json".into()), 0.5).unwrap() { Out::Ok } else { Out::Err(decision, None) }
            }
            Err(error) => out::<()>(Err(error)),
        }
    };
    // A durable recovery's answer to its query: whatever the body, a decision, never an error.
    let record = |doc: &str| {
        let mut recovery = binding::Recovery::begin(PC_INPUT, None, V1_MS.into()).unwrap();
        recovery.send(V1_MS.into()).unwrap();
        out(recovery.record(Some(200), Some(doc.into()), 0.5, V1_MS.into()))
    };
    vec![
        // Inputs and bodies.
        reader("validate_request input", Box::new(|doc| checked(binding::validate_request(PREAUTH_CANCEL, doc, None, opts(json!({ "allowUnknownFields": true }))))), named, None),
        reader("build_request input", Box::new(|doc| out(binding::build_request(PREAUTH_CANCEL, doc, None, Some(BUILD.into())))), named, None),
        reader("validate_request get-qrcode input", Box::new(|doc| checked(binding::validate_request(GET_QRCODE, doc, None, opts(json!({ "allowUnknownFields": true }))))), named, None),
        reader("build_request get-qrcode input", Box::new(|doc| out(binding::build_request(GET_QRCODE, doc, None, Some(BUILD.into())))), named, None),
        reader("build_request untabled body", Box::new(|doc| out(binding::build_request(UNTABLED, doc, None, Some(BUILD.into())))), named, None),
        reader("sign_request input", Box::new(|doc| out(binding::sign_request(PREAUTH_CANCEL, doc, None, Some(SIGN.into())))), named, None),
        reader("Signer.sign_request untabled body", Box::new(|doc| out(signer("app", "key").sign_request(UNTABLED, doc, None, Some(SIGN.into())))), named, None),
        reader("preview_request input", Box::new(|doc| checked(binding::preview_request(PREAUTH_CANCEL, doc, None, Some(PREVIEW.into())))), named, None),
        reader("parse_response text", Box::new(|doc| out(binding::parse_response(doc, None))), named, None),
        reader("parse_access_token_response text", Box::new(|doc| out(binding::parse_access_token_response(doc, None))), named, None),
        reader("recovery_query_input", Box::new(|doc| out(binding::recovery_query_input(doc))), named, None),
        reader("Recovery.answer body", Box::new(answer), no_name, None),
        reader("Recovery.record body", Box::new(record), no_name, None),
        reader("Recovery.begin input", Box::new(|doc| out(binding::Recovery::begin(doc, None, V1_MS.into()))), named, None),
        // A stored state that cannot be read is refused as a state, whatever is wrong with it.
        reader("Recovery.resume state", Box::new(|doc| out(binding::Recovery::resume(doc, V1_MS.into(), 0.5.into()))), |_| Some("state".into()), Some("state")),
        // The content is itself a member of the options: the error names it.
        reader("form_param_url content", Box::new(|doc| out(binding::form_param_url(Some(format!(r#"{{"appId":"app","appKey":"key","url":"https://127.0.0.1/h5","timestamp":"{TS}","nonce":"n1"}}"#)), doc.into()))), |_| Some("content".into()), Some("content")),
        reader("parse_notification JSON", Box::new(|doc| out(binding::parse_notification(doc, false))), named, None),
        reader("sign_notification JSON", Box::new(|doc| out(binding::sign_notification(doc, false, "k".into(), None))), named, None),
        reader("notification_string_to_sign JSON", Box::new(|doc| out(binding::notification_string_to_sign(doc, false, None))), named, None),
        reader("verify_notification JSON", Box::new(|doc| match binding::verify_notification(Some(doc.into()), false, "k".into(), None) {
            Ok(true) => Out::Ok,
            Ok(false) => Out::False,
            Err(error) => out::<()>(Err(error)),
        }), no_name, None),
        // Option bags (the package writes them; the core must still be bounded).
        reader("Signer::new credentials", Box::new(|doc| out(binding::Signer::new(Some(doc.into())))), named, None),
        reader("Signer.sign_text options", Box::new(|doc| out(signer("app", "key").sign_text("{}", Some(doc.into())))), named, None),
        reader("verify_open_body options", Box::new(|doc| out(binding::verify_open_body(Some(doc.into()), "{}".into(), None))), named, None),
        reader("explain_signature options", Box::new(|doc| out(binding::explain_signature(Some(doc.into()), "{}".into(), None))), named, None),
        reader("string_to_sign parts", Box::new(|doc| out(binding::string_to_sign(Some(doc.into())))), named, None),
        reader("compute_signature options", Box::new(|doc| out(binding::compute_signature(Some(doc.into())))), named, None),
        reader("authorization_header parts", Box::new(|doc| out(binding::authorization_header(Some(doc.into())))), named, None),
        reader("validate_request options", Box::new(|doc| checked(binding::validate_request(PREAUTH_CANCEL, PC_INPUT, None, Some(doc.into())))), named, None),
        reader("build_request options", Box::new(|doc| out(binding::build_request(PREAUTH_CANCEL, PC_INPUT, None, Some(doc.into())))), named, None),
        reader("sign_request options", Box::new(|doc| out(binding::sign_request(PREAUTH_CANCEL, PC_INPUT, None, Some(doc.into())))), named, None),
        reader("preview_request options", Box::new(|doc| out(binding::preview_request(PREAUTH_CANCEL, PC_INPUT, None, Some(doc.into())))), named, None),
        reader("parse_response options", Box::new(|doc| out(binding::parse_response(r#"{"errCode":"SUCCESS"}"#, Some(doc.into())))), named, None),
        reader("access_token_request options", Box::new(|doc| out(binding::access_token_request(Some(doc.into())))), named, None),
        reader("parse_access_token_response options", Box::new(|doc| out(binding::parse_access_token_response(r#"{"errCode":"0000","accessToken":"t","expiresIn":60}"#, Some(doc.into())))), named, None),
        reader("TokenHolder::new options", Box::new(|doc| out(binding::TokenHolder::new(Some(doc.into())))), named, None),
        reader("TokenHolder.update token", Box::new(|doc| out(binding::TokenHolder::new(None).unwrap().update(Some(doc.into())))), |_| Some("token".into()), Some("token")),
        reader("form_param_url options", Box::new(|doc| out(binding::form_param_url(Some(doc.into()), "{}".into()))), named, None),
        reader("verify_notification options", Box::new(|doc| out(binding::verify_notification(Some("a=1".into()), true, "k".into(), Some(doc.into())))), named, None),
        reader("sign_notification options", Box::new(|doc| out(binding::sign_notification("a=1", true, "k".into(), Some(doc.into())))), named, None),
        reader("notification_string_to_sign options", Box::new(|doc| out(binding::notification_string_to_sign("a=1", true, Some(doc.into())))), named, None),
        reader("verify_response_signature options", Box::new(|doc| out(binding::verify_response_signature(Some(doc.into()), "{}".into(), None))), named, None),
        reader("Recovery::new retry", Box::new(|doc| out(binding::Recovery::new(Some(doc.into())))), named, None),
        reader("Recovery.begin schedule", Box::new(|doc| out(binding::Recovery::begin(PC_INPUT, Some(doc.into()), V1_MS.into()))), named, None),
        reader("check_client_options", Box::new(|doc| out(binding::check_client_options(Some(doc.into())))), named, None),
    ]
}

/// The documents of the matrix for one reader at one depth: `(place, member, text)`. The member
/// documents are the reader's valid base with one more member, nested to the total `depth`.
fn documents(reader: &str, depth: usize, shape: Shape) -> Vec<(&'static str, Option<&'static str>, String)> {
    let base = base_document(reader);
    let mut docs = vec![("top", None, nested(depth, shape)), ("member", Some("extra"), with_member(base, "extra", &nested(depth - 1, shape)))];
    if reader.contains("get-qrcode") {
        // A known member that holds items: goods, the nesting inside its one item.
        let goods = format!(r#"[{{"goodsId":"1","x":{}}}]"#, nested(depth - 3, shape));
        docs.push(("goods", Some("goods"), with_member(base, "goods", &goods)));
    }
    docs
}

/// A document each reader accepts (or refuses for a reason of its own), to which a member is added.
fn base_document(reader: &str) -> &'static str {
    match reader {
        "validate_request input" | "build_request input" | "sign_request input" | "preview_request input" => PC_INPUT,
        "validate_request get-qrcode input" | "build_request get-qrcode input" => QR_INPUT,
        "build_request untabled body" | "Signer.sign_request untabled body" => r#"{"a":"1"}"#,
        "parse_response text" | "Recovery.answer body" | "Recovery.record body" => r#"{"errCode":"SUCCESS"}"#,
        "Recovery.begin input" => PC_INPUT,
        "Recovery.resume state" => STORED_STATE,
        "parse_access_token_response text" => r#"{"errCode":"0000","accessToken":"t","expiresIn":60}"#,
        "recovery_query_input" => r#"{"mid":"m","billNo":"3194A"}"#,
        "form_param_url content" => r#"{"a":"1"}"#,
        "parse_notification JSON" | "sign_notification JSON" | "notification_string_to_sign JSON" | "verify_notification JSON" => r#"{"billNo":"1"}"#,
        "Signer::new credentials" => CREDENTIALS,
        "Signer.sign_text options" => r#"{"timestamp":"20250102030405","nonce":"n1"}"#,
        "verify_open_body options" | "explain_signature options" => {
            r#"{"authorization":"OPEN-BODY-SIG AppId=\"app\", Timestamp=\"20250102030405\", Nonce=\"n1\", Signature=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"","appKey":"key","now":1735758245000}"#
        }
        "string_to_sign parts" => r#"{"appId":"app","timestamp":"20250102030405","nonce":"n1","bodyDigest":"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"}"#,
        "compute_signature options" => r#"{"appKey":"key","stringToSign":"x"}"#,
        "authorization_header parts" => r#"{"appId":"app","timestamp":"20250102030405","nonce":"n1","signature":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}"#,
        "validate_request options" | "parse_response options" | "TokenHolder::new options" | "verify_notification options" | "sign_notification options" | "notification_string_to_sign options" | "Recovery::new retry" | "Recovery.begin schedule" => "{}",
        "build_request options" => BUILD,
        "sign_request options" => SIGN,
        "preview_request options" => PREVIEW,
        "access_token_request options" => r#"{"appId":"app","appKey":"key","env":"test","now":1735758245000}"#,
        "parse_access_token_response options" => r#"{"now":1735758245000}"#,
        "TokenHolder.update token" => r#"{"accessToken":"t","expiresIn":60,"expiresAt":1735758245000}"#,
        "form_param_url options" => r#"{"appId":"app","appKey":"key","url":"https://127.0.0.1/h5","timestamp":"20250102030405","nonce":"n1"}"#,
        "verify_response_signature options" => r#"{"authorization":null,"appKey":"key"}"#,
        "check_client_options" => r#"{"env":"test"}"#,
        other => panic!("no base document for {other}"),
    }
}

/// What a document within the limit must give.
#[derive(Debug)]
enum Expect {
    /// Exactly this.
    Is(Out),
    /// A typed error of the reader's own (the document is not what it takes), not ERR_TOO_DEEP.
    AnyError,
    /// Whatever the reader's own rules say, but not ERR_TOO_DEEP.
    NotDeep,
}

/// The outcome the reader's own rules call for with a document within the limit.
fn within_limit(reader: &str, place: &str, shape: Shape) -> Expect {
    match (reader, place) {
        ("Recovery.answer body" | "Recovery.record body", _) => Expect::Is(Out::Ok),
        // A member a state never has, and an input member the preauth-cancel table does not define.
        ("Recovery.resume state", "member") => Expect::Is(code("ERR_INVALID_STATE", Some("state"))),
        ("Recovery.begin input", "member") => Expect::Is(code("ERR_UNKNOWN_FIELD", Some("extra"))),
        ("verify_notification JSON", _) => Expect::Is(Out::False),
        // The whole document an array: no reader takes one.
        (_, "top") if matches!(shape, Shape::Arrays) => Expect::AnyError,
        // `{"a":{"a":…}}`: an object with one unknown member, which each reader treats its own way.
        (_, "top") => Expect::NotDeep,
        // The nested member is an unknown field, allowed: it is kept, and everything works.
        ("validate_request input" | "build_request input" | "sign_request input" | "preview_request input", "member") => Expect::Is(Out::Ok),
        ("validate_request get-qrcode input" | "build_request get-qrcode input", "member" | "goods") => Expect::Is(Out::Ok),
        ("build_request untabled body" | "Signer.sign_request untabled body", "member") => Expect::Is(Out::Ok),
        // Unknown members of a response, a token answer or form content are kept.
        ("parse_response text" | "parse_access_token_response text" | "recovery_query_input" | "form_param_url content", "member") => Expect::Is(Out::Ok),
        // Notifications: parse keeps an object or array value; it has no signed text.
        ("parse_notification JSON", "member") => Expect::Is(Out::Ok),
        ("sign_notification JSON" | "notification_string_to_sign JSON", "member") => Expect::Is(code("ERR_FIELD_TYPE", Some("extra"))),
        // A made-up signature does not match: the reader really ran.
        ("verify_open_body options", "member") => Expect::Is(code("ERR_SIGNATURE_MISMATCH", Some("signature"))),
        // Option bags ignore members they do not know.
        (_, "member") => Expect::Is(Out::Ok),
        _ => panic!("no expectation for {reader} {place}"),
    }
}

/// Checks one document against one reader.
fn check_depth_outcome(reader: &Reader, place: &str, member: Option<&str>, depth: usize, shape: Shape, doc: &str) -> Result<(), String> {
    let got = (reader.call)(doc);
    let label = format!("{} {place} {shape:?} depth {depth}", reader.name);
    if depth > MAX_DEPTH {
        // `{"a":{"a":…}}` is nested inside its member `a`.
        let member = member.or(matches!(shape, Shape::Objects).then_some("a"));
        let field = match member {
            Some(m) => (reader.member_field)(m),
            None => reader.top_field.map(str::to_owned),
        };
        let allowed = match reader.name {
            // Never throws for what it cannot read: false, or the same decision as for garbage.
            "verify_notification JSON" => got == Out::False,
            "Recovery.answer body" | "Recovery.record body" => got == Out::Ok,
            // Too deep to be a state this library wrote: refused as a state, like any other.
            "Recovery.resume state" => got == code("ERR_INVALID_STATE", Some("state")),
            _ => got == deep(field.as_deref()),
        };
        return if allowed { Ok(()) } else { Err(format!("{label}: {got:?}, expected ERR_TOO_DEEP naming {field:?}")) };
    }
    let too_deep = matches!(&got, Out::Err(code, _) if code == "ERR_TOO_DEEP");
    let ok = match within_limit(reader.name, place, shape) {
        Expect::Is(expected) => got == expected,
        Expect::AnyError => matches!(got, Out::Err(_, _)) && !too_deep,
        Expect::NotDeep => !too_deep,
    };
    if ok { Ok(()) } else { Err(format!("{label}: {got:?}, expected {:?}", within_limit(reader.name, place, shape))) }
}

#[wasm_bindgen_test]
fn every_export_that_reads_json_refuses_nesting_beyond_128_and_stays_healthy() {
    let readers = readers();
    let mut failures = Vec::new();
    for depth in [127, 128, 129, 1_000, 20_000, 100_000] {
        for shape in [Shape::Arrays, Shape::Objects] {
            for reader in &readers {
                for (place, member, doc) in documents(reader.name, depth, shape) {
                    if let Err(problem) = check_depth_outcome(reader, place, member, depth, shape, &doc) {
                        failures.push(problem);
                    }
                    // Each case followed by the vector's signature: nothing was left broken.
                    assert_healthy(&format!("{} {place} {shape:?} depth {depth}", reader.name));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

#[wasm_bindgen_test]
fn what_is_within_the_limit_is_kept_exactly() {
    // 128 levels in all: the member's 127 levels written back byte for byte.
    for shape in [Shape::Arrays, Shape::Objects] {
        let member = nested(MAX_DEPTH - 1, shape);
        let built = wire(&binding::build_request(UNTABLED, &with_member(r#"{"a":"1"}"#, "extra", &member), None, Some(BUILD.into())).unwrap());
        assert!(built["body"].as_str().unwrap().ends_with(&format!(r#""extra":{member}}}"#)), "{shape:?}");
        let built = wire(&binding::build_request(PREAUTH_CANCEL, &with_member(PC_INPUT, "extra", &member), None, Some(BUILD.into())).unwrap());
        assert!(built["body"].as_str().unwrap().ends_with(&format!(r#""extra":{member}}}"#)), "{shape:?}");
        let parsed = text_value(binding::parse_response(&with_member(r#"{"errCode":"SUCCESS"}"#, "extra", &member), None).unwrap());
        assert_eq!(parsed["extra"], json_value(&member), "{shape:?}");
        // A body is bytes to a signer, whatever it holds: any depth signs like the oracle.
        let deep_body = nested(100_000, shape);
        let signed = sign(&signer("app", "key"), &deep_body, json!({ "timestamp": TS, "nonce": "n1" }));
        assert_eq!(signed["signature"].as_str().unwrap(), oracle_signature("app", "key", TS, "n1", deep_body.as_bytes()));
    }
    assert_healthy("the documents at the limit");
}

// A property: random documents of random depth ------------------------------------------------

/// xorshift64*: deterministic, so that a failure can be reproduced from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A random document exactly `depth` levels deep (the deepest path; other branches shallower),
/// mixing arrays and objects, scalars, strings with brackets and escapes in them.
fn random_document(rng: &mut Rng, depth: usize, out: &mut String) {
    const SCALARS: [&str; 8] = ["1", "-2.50", "true", "null", r#""[{""#, r#""\"}]""#, r#""预授权""#, "1e3"];
    if depth == 0 {
        out.push_str(SCALARS[rng.below(SCALARS.len() as u64) as usize]);
        return;
    }
    let object = rng.below(2) == 0;
    out.push(if object { '{' } else { '[' });
    let siblings = rng.below(3) as usize;
    let deep_at = rng.below(siblings as u64 + 1) as usize;
    for i in 0..=siblings {
        if i > 0 {
            out.push(',');
        }
        if object {
            out.push_str(&format!(r#""k{i}{}":"#, rng.below(100)));
        }
        // One child carries the full depth; the others are at most 2 levels deep.
        let child = if i == deep_at { depth - 1 } else { (rng.below(3) as usize).min(depth - 1) };
        random_document(rng, child, out);
    }
    out.push(if object { '}' } else { ']' });
}

#[wasm_bindgen_test]
fn random_documents_never_trap_and_only_those_beyond_128_levels_are_too_deep() {
    let readers = readers();
    let mut rng = Rng(0x1717_2026_dead_beef);
    let mut failures = Vec::new();
    let mut around_the_limit = 0;
    for round in 0..12 {
        for reader in &readers {
            // Depths 0..400, with the neighbourhood of the limit drawn more often.
            let depth = if rng.below(3) == 0 { 120 + rng.below(17) as usize } else { rng.below(401) as usize };
            if (127..=129).contains(&depth) {
                around_the_limit += 1;
            }
            let mut doc = String::new();
            random_document(&mut rng, depth, &mut doc);
            let got = (reader.call)(&doc);
            let too_deep = matches!(&got, Out::Err(code, _) if code == "ERR_TOO_DEEP");
            let label = format!("round {round} {} depth {depth}", reader.name);
            if depth <= MAX_DEPTH && too_deep {
                failures.push(format!("{label}: ERR_TOO_DEEP within the limit"));
            }
            let never_throws = matches!(reader.name, "verify_notification JSON" | "Recovery.answer body" | "Recovery.record body");
            let state = reader.name == "Recovery.resume state";
            if depth > MAX_DEPTH && state && got != code("ERR_INVALID_STATE", Some("state")) {
                failures.push(format!("{label}: {got:?} beyond the limit"));
            }
            if depth > MAX_DEPTH && !too_deep && !never_throws && !state {
                failures.push(format!("{label}: {got:?} beyond the limit"));
            }
            if depth > MAX_DEPTH && never_throws && !matches!(got, Out::False | Out::Ok) {
                failures.push(format!("{label}: {got:?}"));
            }
        }
        assert_healthy(&format!("round {round}"));
    }
    assert!(around_the_limit > 0, "the generator never drew a depth next to the limit");
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

#[wasm_bindgen_test]
fn a_durable_recovery_crosses_as_json_text_and_resumes_a_cancel_in_flight_with_a_query() {
    let input = r#"{"mid":"898201612345678","tid":"88880001","billNo":"3194202501020304050001","billDate":"2025-01-02","merOrderId":"31942025010203040500010","authIdRespCd":"000665"}"#;
    let schedule = opts(json!({ "baseDelayMs": 1000, "maxDelayMs": 1000, "deadlineMs": 60000 }));
    let mut recovery = binding::Recovery::begin(input, schedule, V1_MS.into()).unwrap();
    let first: Value = serde_json::from_str(&recovery.next().unwrap()).unwrap();
    assert_eq!((first["action"].as_str(), first["step"].as_str(), first["path"].as_str()), (Some("send"), Some("query"), Some("/v1/netpay/bills/query")));
    recovery.send(V1_MS.into()).unwrap();
    let frozen = r#"{"errCode":"SUCCESS","billStatus":"PAID","billPayment":{"status":"TRADE_SUCCESS"},"__proto__":{"polluted":1}}"#;
    let recorded: Value = serde_json::from_str(&recovery.record(Some(200), Some(frozen.into()), 0.5, V1_MS.into()).unwrap()).unwrap();
    assert_eq!((recorded["next"]["step"].as_str(), recorded["next"]["path"].as_str()), (Some("cancel"), Some("/v1/netpay/bills/preauth-cancel")));
    assert_eq!(recorded["bill"]["__proto__"]["polluted"], 1, "platform data crosses as JSON text, member names kept");
    // Stored with the cancel in flight, read back later: a query comes first, never a cancel.
    let stored = recovery.send((V1_MS + 1.0).into()).unwrap();
    assert!(stored.contains(r#""stage":"in-flight","step":"cancel""#));
    let resumed = binding::Recovery::resume(&stored, (V1_MS + 10_000.0).into(), 0.0.into()).unwrap();
    let next: Value = serde_json::from_str(&resumed.next().unwrap()).unwrap();
    assert_eq!((next["step"].as_str(), next["at"].as_f64()), (Some("query"), Some(V1_MS + 10_500.0)));
    let bad = binding::Recovery::resume(&stored.replace(r#""v":1"#, r#""v":9"#), JsValue::UNDEFINED, JsValue::UNDEFINED).err().unwrap();
    assert_eq!(code_and_field(bad), err("ERR_INVALID_STATE", "state.v"));
    let corrupted = binding::Recovery::resume(&stored.replace(r#""cancels":1"#, r#""cancels":2"#), JsValue::UNDEFINED, JsValue::UNDEFINED).err().unwrap();
    assert_eq!(code_and_field(corrupted), err("ERR_INVALID_STATE", "state.sum"));
    // The two modes do not mix.
    let mut in_call = binding::Recovery::new(None).unwrap();
    assert_eq!(code_and_field(in_call.state().unwrap_err()), err("ERR_INVALID_STATE", "recovery"));
    let mut durable = binding::Recovery::begin(input, None, V1_MS.into()).unwrap();
    assert_eq!(code_and_field(durable.start().unwrap_err()), err("ERR_INVALID_STATE", "recovery"));
    assert!(in_call.start().is_ok());
    assert_eq!(code_and_field(binding::Recovery::begin(input, opts(json!({ "deadlineMs": -1 })), JsValue::UNDEFINED).err().unwrap()), err("ERR_FIELD_FORMAT", "schedule.deadlineMs"));
    // A delay above a day is refused as such, not against the deadline's 90 days.
    let (code, field, message) = thrown(binding::Recovery::begin(input, opts(json!({ "maxDelayMs": 100_000_000 })), JsValue::UNDEFINED).err().unwrap());
    assert_eq!((code.as_str(), field.as_deref()), ("ERR_FIELD_FORMAT", Some("schedule.maxDelayMs")));
    assert!(message.contains("86400000") && !message.contains("7776000000"), "{message}");
}
