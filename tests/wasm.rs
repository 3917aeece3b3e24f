//! The wasm build, run by wasm-bindgen-test-runner in Node: the shared vectors through the
//! exact exports the npm package calls, the JS-backed clock and CSPRNG, and errors as thrown to
//! JavaScript (here without the package's registered class: an `Error` with the same fields).
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

/// An option bag as the package's snapshot makes it: a null-prototype object of these fields.
fn opts(fields: Value) -> JsValue {
    let object: Object = Object::create(&JsValue::NULL.unchecked_into::<Object>());
    for (name, value) in fields.as_object().unwrap() {
        let value = match value {
            Value::String(text) => JsValue::from_str(text),
            Value::Number(n) => JsValue::from_f64(n.as_f64().unwrap()),
            Value::Bool(b) => JsValue::from_bool(*b),
            Value::Null => JsValue::NULL,
            other => panic!("not an option value: {other}"),
        };
        Reflect::set(&object, &name.as_str().into(), &value).unwrap();
    }
    object.into()
}

use wasm_bindgen::JsCast as _;

/// A result object as JSON.
fn value(result: JsValue) -> Value {
    serde_wasm_bindgen::from_value(result).unwrap()
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

fn sign(signer: &binding::Signer, body: &str, timestamp: Option<&str>, nonce: Option<&str>, now: f64) -> Value {
    let text = |t: Option<&str>| t.map_or(JsValue::UNDEFINED, JsValue::from_str);
    value(signer.sign_text(body, text(timestamp), text(nonce), JsValue::from_f64(now), JsValue::UNDEFINED).unwrap())
}

#[wasm_bindgen_test]
fn the_signer_and_the_stages_reproduce_every_vector() {
    for c in cases() {
        let out = sign(&signer(s(&c, "appId"), s(&c, "appKey")), s(&c, "body"), Some(s(&c, "timestamp")), Some(s(&c, "nonce")), 0.0);
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
    }
}

#[wasm_bindgen_test]
fn every_vector_verifies_and_a_changed_body_does_not() {
    for c in cases() {
        let ts = s(&c, "timestamp");
        let signed_at = chinaums_open::time::BeijingTime::parse_compact(ts).unwrap().to_epoch_ms() as f64;
        let options = |body: &str| opts(json!({ "authorization": s(&c, "authorization"), "body": body, "appKey": s(&c, "appKey"), "now": signed_at }));
        let ok = value(binding::verify_open_body(options(s(&c, "body")), None).unwrap());
        assert_eq!(ok, json!({ "appId": s(&c, "appId"), "timestamp": ts, "nonce": s(&c, "nonce") }));
        let (code, _, message) = thrown(binding::verify_open_body(options(&format!("{} ", s(&c, "body"))), None).unwrap_err());
        assert_eq!(code, "ERR_SIGNATURE_MISMATCH");
        assert!(!message.contains(s(&c, "appKey")));
    }
}

#[wasm_bindgen_test]
fn a_body_hashed_in_parts_signs_and_verifies_like_the_whole() {
    use hmac::{KeyInit, Mac};
    use sha2::Digest;
    let signer = signer("app", "key");
    for size in [0usize, 63, 64, 1023, 1024, 5000, 70_000] {
        let body: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
        let digest = base16ct::lower::encode_string(&sha2::Sha256::digest(&body));
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"key").unwrap();
        mac.update(format!("app{TS}n1{digest}").as_bytes());
        let expected = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, mac.finalize().into_bytes());
        let mut hasher = binding::BodyHasher::new();
        for part in body.chunks(4096) {
            hasher.update(part);
        }
        let whole = value(signer.sign_bytes(&body, TS.into(), "n1".into(), JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap());
        let parts = value(signer.sign_hashed(hasher, TS.into(), "n1".into(), JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap());
        assert_eq!((whole["bodyDigest"].as_str(), whole["signature"].as_str()), (Some(digest.as_str()), Some(expected.as_str())), "{size} bytes");
        assert_eq!(parts, whole, "{size} bytes in parts");
    }
}

#[wasm_bindgen_test]
fn defaults_come_from_the_js_clock_and_crypto_get_random_values() {
    let signer = signer("app", "key");
    let a = sign(&signer, "{}", None, None, V1_MS);
    let b = sign(&signer, "{}", None, None, V1_MS);
    assert_eq!(a["timestamp"], TS);
    let nonce = a["nonce"].as_str().unwrap();
    assert!(nonce.len() == 32 && nonce.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')));
    assert_ne!(a["nonce"], b["nonce"], "a fresh nonce per call");
    assert_eq!(binding::create_nonce().unwrap().len(), 32);
    // 2,000 nonces cross several refills of the pool; none repeats.
    let seen: std::collections::HashSet<String> = (0..2000).map(|_| binding::create_nonce().unwrap()).collect();
    assert_eq!(seen.len(), 2000);
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
    let built = value(binding::build_bills("preauth-cancel", input, vec![], options(), "options").unwrap());
    assert_eq!(built["url"], "https://test-api-open.chinaums.com/v1/netpay/bills/preauth-cancel");
    assert_eq!(built["headers"], json!({ "Content-Type": "application/json" }));
    assert_eq!(built["body"], v1()["body"]);

    let bad_env = binding::build_bills("preauth-cancel", "{}", vec![], opts(json!({ "env": "prod" })), "options").unwrap_err();
    assert_eq!(code_and_field(bad_env), err("ERR_FIELD_FORMAT", "env"));
    let unknown = binding::build_bills("preauth-cancel", r#"{"billno":"x"}"#, vec![], options(), "options").unwrap_err();
    assert_eq!(thrown(unknown.clone()).0, "ERR_UNKNOWN_FIELD");
    assert_eq!(js_sys::Array::from(&Reflect::get(&unknown, &"issues".into()).unwrap()).length(), 7);

    let validation = value(binding::validate_bills("preauth-cancel", r#"{"billDate":"2025-02-30"}"#, vec![], opts(json!({ "applyDefaults": true }))).unwrap());
    assert_eq!(validation["ok"], false);
    assert!(validation["issues"].as_array().unwrap().iter().any(|i| i["field"] == "billDate" && i["code"] == "ERR_FIELD_FORMAT"));
    // A field the package could not encode is reported first, and not again as missing.
    let validation = value(binding::validate_bills("preauth-cancel", "{}", vec!["mid".into()], opts(json!({ "applyDefaults": true }))).unwrap());
    let fields: Vec<(&str, &str)> = validation["issues"].as_array().unwrap().iter().map(|i| (i["field"].as_str().unwrap(), i["code"].as_str().unwrap())).collect();
    assert_eq!(fields[0], ("mid", "ERR_BODY_ENCODING"));
    assert_eq!(fields.iter().filter(|(f, _)| *f == "mid").count(), 1);

    let preview = value(binding::preview_bills("preauth-cancel", input, vec![], opts(json!({ "env": "test", "now": V1_MS, "appId": "app", "nonce": "n1" }))).unwrap());
    assert_eq!(preview["request"], built);
    assert_eq!(preview["authorization"], format!(r#"OPEN-BODY-SIG AppId="app", Timestamp="{TS}", Nonce="n1", Signature="<computed by the server>""#));

    let parsed = value(binding::parse_bills_response(r#"{"errCode":"SUCCESS","billStatus":"CLOSED","billPayment":{"totalAmount":"2100"}}"#.into(), JsValue::UNDEFINED).unwrap());
    assert_eq!((parsed["ok"].as_bool(), parsed["billPayment"]["totalAmount"].as_u64()), (Some(true), Some(2100)));
    let bad_amount = binding::parse_bills_response(r#"{"errCode":"SUCCESS","totalAmount":-1}"#.into(), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(code_and_field(bad_amount), err("ERR_INVALID_RESPONSE", "totalAmount"));
}

#[wasm_bindgen_test]
fn access_token_vectors_and_the_holder() {
    for c in cases_of(ACCESS_TOKEN).1 {
        let request = value(
            binding::access_token_request(opts(json!({ "appId": s(&c, "appId"), "appKey": s(&c, "appKey"), "timestamp": s(&c, "timestamp"), "nonce": s(&c, "nonce"), "env": "test" }))).unwrap(),
        );
        assert_eq!((request["url"].as_str(), request["body"].as_str()), (Some("https://test-api-open.chinaums.com/v1/token/access"), Some(s(&c, "body"))));
    }
    // Timestamp from the clock given, nonce from crypto.getRandomValues.
    let request = value(binding::access_token_request(opts(json!({ "appId": "app", "appKey": "key", "now": V1_MS, "baseUrl": "http://127.0.0.1:9" }))).unwrap());
    let body: Value = serde_json::from_str(request["body"].as_str().unwrap()).unwrap();
    assert_eq!((body["timestamp"].as_str(), body["nonce"].as_str().map(str::len)), (Some(TS), Some(32)));

    let token = binding::parse_access_token_response(r#"{"errCode":"0000","accessToken":"tok","expiresIn":3600}"#.into(), opts(json!({ "now": V1_MS }))).unwrap();
    assert_eq!(value(token.clone())["expiresAt"].as_f64(), Some(V1_MS + 3_600_000.0));
    let refused = binding::parse_access_token_response(r#"{"errCode":"1000","errInfo":"认证失败"}"#.into(), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(Reflect::get(&refused, &"platformCode".into()).unwrap().as_string().as_deref(), Some("1000"));
    assert_eq!(binding::token_authorization("tok".into()).unwrap(), "OPEN-ACCESS-TOKEN AccessToken=tok");

    let mut holder = binding::TokenHolder::new(JsValue::UNDEFINED).unwrap();
    assert!(holder.needs_refresh(V1_MS.into()).unwrap());
    holder.update(token).unwrap();
    assert_eq!(value(holder.state().unwrap())["refreshAt"].as_f64(), Some(V1_MS + 3_300_000.0));
    assert!(!holder.needs_refresh(V1_MS.into()).unwrap());
    assert_eq!(holder.authorization(V1_MS.into()).unwrap(), "OPEN-ACCESS-TOKEN AccessToken=tok");
    assert_eq!(code_and_field(holder.authorization((V1_MS + 3_600_000.0).into()).unwrap_err()), err("ERR_TOKEN_EXPIRED", "accessToken"));
    let bad = binding::TokenHolder::new(opts(json!({ "marginSeconds": 1.5 }))).err().unwrap();
    assert_eq!(code_and_field(bad), err("ERR_FIELD_FORMAT", "marginSeconds"));
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
        assert!(binding::verify_notification(Some(params.clone()), false, key(), JsValue::UNDEFINED).unwrap(), "{}", s(&c, "name"));
        assert_eq!(binding::sign_notification(&params, false, key(), JsValue::UNDEFINED).unwrap(), s(&c, "sign"));
        let expected = s(&c, "stringToHash").strip_suffix(doc["key"].as_str().unwrap()).unwrap();
        assert_eq!(binding::notification_string_to_sign(&params, false, JsValue::UNDEFINED).unwrap(), expected);
        let tampered = params.replace("\"PAID\"", "\"UNPAID\"");
        assert!(!binding::verify_notification(Some(tampered), false, key(), JsValue::UNDEFINED).unwrap());
        assert!(!binding::verify_notification(Some(params.clone()), false, "another-key".into(), JsValue::UNDEFINED).unwrap());
        assert_eq!(value(binding::parse_notification(&params, false).unwrap())["billPayment"]["status"], "TRADE_SUCCESS");
    }
    let sign = binding::sign_notification("b=x+y&signType=MD5", true, "k".into(), JsValue::UNDEFINED).unwrap();
    assert!(binding::verify_notification(Some(format!("b=x+y&signType=MD5&sign={sign}")), true, "k".into(), opts(json!({ "defaultSignType": "SHA256" }))).unwrap());
    assert!(!binding::verify_notification(Some(format!("b=x%2By&signType=MD5&sign={sign}")), true, "k".into(), JsValue::UNDEFINED).unwrap());
    assert!(!binding::verify_notification(Some("b=%zz".into()), true, "k".into(), JsValue::UNDEFINED).unwrap());
    assert!(!binding::verify_notification(None, true, "k".into(), JsValue::UNDEFINED).unwrap(), "undecodable is false");
    assert_eq!(code_and_field(binding::verify_notification(None, true, "".into(), JsValue::UNDEFINED).unwrap_err()), err("ERR_FIELD_REQUIRED", "communicationKey"));
    let bad_option = binding::verify_notification(None, true, "k".into(), opts(json!({ "defaultSignType": "SHA1" }))).unwrap_err();
    assert_eq!(code_and_field(bad_option), err("ERR_FIELD_FORMAT", "defaultSignType"));
    let negative = binding::parse_notification("totalAmount=-5", true).unwrap_err();
    assert_eq!(code_and_field(negative), err("ERR_INVALID_RESPONSE", "totalAmount"));
}

#[wasm_bindgen_test]
fn response_signatures_are_optional_but_never_wrong() {
    let v1 = v1();
    let options = |authorization: Value, body: &str| {
        opts(json!({ "authorization": authorization, "body": body, "appKey": s(&v1, "appKey"), "now": V1_MS }))
    };
    assert_eq!(value(binding::verify_response_signature(options(Value::Null, "{}"), None).unwrap()), json!({ "signed": false }));
    let signed = value(binding::verify_response_signature(options(v1["authorization"].clone(), s(&v1, "body")), None).unwrap());
    assert_eq!(signed, json!({ "signed": true, "appId": s(&v1, "appId"), "timestamp": TS, "nonce": s(&v1, "nonce") }));
    let wrong = binding::verify_response_signature(options(v1["authorization"].clone(), "{}"), None).unwrap_err();
    assert_eq!(thrown(wrong).0, "ERR_SIGNATURE_MISMATCH");
}

#[wasm_bindgen_test]
fn lifecycle_builders_and_the_generic_builder() {
    let capture = r#"{"mid":"898201612345678","tid":"88880001","billNo":"3194202501020304050001","billDate":"2025-01-02","authedOrderId":"31942025010203040500011","authIdRespCd":"000665","totalAmount":2100}"#;
    let options = || opts(json!({ "env": "test", "now": V1_MS, "msgSrcId": "3194" }));
    let built = value(binding::build_bills("preauthed", capture, vec![], options(), "options").unwrap());
    assert_eq!(
        built["body"],
        "{\"requestTimestamp\":\"2025-01-02 03:04:05\",\"mid\":\"898201612345678\",\"tid\":\"88880001\",\"instMid\":\"QRPAYDEFAULT\",\"billNo\":\"3194202501020304050001\",\"billDate\":\"2025-01-02\",\"authedOrderId\":\"31942025010203040500011\",\"authIdRespCd\":\"000665\",\"totalAmount\":2100}"
    );
    let zero = binding::build_bills("preauthed", &capture.replace("2100", "0"), vec![], options(), "options").unwrap_err();
    assert_eq!(code_and_field(zero), err("ERR_FIELD_FORMAT", "totalAmount"));
    let validation = value(binding::validate_bills("preauthed-cancel", "{}", vec![], opts(json!({ "applyDefaults": true }))).unwrap());
    let fields: Vec<&str> = validation["issues"].as_array().unwrap().iter().map(|i| i["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["mid", "tid", "merOrderId"]);
    assert!(binding::validate_bills("refund-nothing", "{}", vec![], JsValue::UNDEFINED).is_err());

    let generic = value(binding::build_request("close-qrcode".into(), r#"{"qrCodeId":"Q1","n":1.50}"#, vec![], opts(json!({ "baseUrl": "http://127.0.0.1:9/", "now": V1_MS }))).unwrap());
    assert_eq!(generic["url"], "http://127.0.0.1:9/v1/netpay/bills/close-qrcode");
    assert_eq!(generic["body"], "{\"requestTimestamp\":\"2025-01-02 03:04:05\",\"qrCodeId\":\"Q1\",\"n\":1.50}");
    let traversal = binding::build_request("../token".into(), "{}", vec![], opts(json!({ "env": "test" }))).unwrap_err();
    assert_eq!(code_and_field(traversal).1.as_deref(), Some("service"));
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
    let over = capped.sign_text("12345", TS.into(), "n".into(), JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap_err();
    assert_eq!(code_and_field(over), err("ERR_BODY_TOO_LARGE", "body"));
    assert!(capped.sign_text("1234", TS.into(), "n".into(), JsValue::UNDEFINED, JsValue::UNDEFINED).is_ok());
    for bad in [-1.0, 1.5, f64::NAN, f64::INFINITY, 2e9] {
        let err_value = binding::Signer::new(opts(json!({ "appId": "app", "appKey": "key" }))).map(drop);
        assert!(err_value.is_ok());
        let options = opts(json!({ "appId": "app", "appKey": "key" }));
        Reflect::set(&options, &"maxBodyBytes".into(), &bad.into()).unwrap();
        assert_eq!(code_and_field(binding::Signer::new(options).err().unwrap()), err("ERR_FIELD_FORMAT", "maxBodyBytes"), "{bad}");
    }
    let small = || opts(json!({ "maxBodyBytes": 10 }));
    assert_eq!(code_and_field(binding::parse_bills_response(r#"{"errCode":"SUCCESS"}"#.into(), small()).unwrap_err()), err("ERR_BODY_TOO_LARGE", "text"));
    let validation = value(binding::validate_bills("preauth-cancel", "{}", vec![], opts(json!({ "maxBodyBytes": 1 }))).unwrap());
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
    let build = |o: Value| binding::build_request("/v1/netpay/refund-query".into(), r#"{"a":"1"}"#, Vec::new(), opts(o));
    let base = json!({ "baseUrl": "http://127.0.0.1:9", "now": V1_MS });
    assert_eq!(value(build(base.clone()).unwrap())["headers"]["Content-Type"], "application/json");
    let mut utf8 = base.clone();
    utf8["contentType"] = json!("application/json; charset=utf-8");
    let request = value(build(utf8).unwrap());
    assert_eq!((request["headers"]["Content-Type"].as_str(), request["url"].as_str()), (Some("application/json; charset=utf-8"), Some("http://127.0.0.1:9/v1/netpay/refund-query")));
    let mut bad = base;
    bad["contentType"] = json!("text/plain");
    assert_eq!(code_and_field(build(bad).unwrap_err()), err("ERR_FIELD_FORMAT", "contentType"));
    let typed = binding::build_at("/v1/netpay/bills/close-qrcode", r#"{"mid":"m","tid":"t","qrCodeId":"3194Q"}"#, Vec::new(), opts(json!({ "baseUrl": "http://127.0.0.1:9", "now": V1_MS }))).unwrap();
    assert!(value(typed)["body"].as_str().unwrap().contains(r#""instMid":"QRPAYDEFAULT""#), "the table's default is filled");
}

#[wasm_bindgen_test]
fn recovery_decides_and_the_host_only_runs_the_loop() {
    let mut recovery = binding::Recovery::new(opts(json!({ "attempts": 4, "baseDelayMs": 100, "maxDelayMs": 100 }))).unwrap();
    assert_eq!(value(recovery.start().unwrap()), json!({ "action": "send", "step": "query", "delayMs": 0 }));
    let frozen = r#"{"errCode":"SUCCESS","billStatus":"PAID","billPayment":{"status":"TRADE_SUCCESS"}}"#;
    let next = value(recovery.answer(Some(200), Some(frozen.into()), 0.5).unwrap());
    assert_eq!(next, json!({ "action": "send", "step": "cancel", "delayMs": 0 }));
    let after_lost = value(recovery.answer(None, None, 0.0).unwrap());
    assert_eq!(after_lost, json!({ "action": "send", "step": "query", "delayMs": 50 }));
    let voided = r#"{"errCode":"SUCCESS","billStatus":"CLOSED","billPayment":{"status":"TRADE_CLOSED"}}"#;
    let done = value(recovery.answer(Some(200), Some(voided.into()), 0.5).unwrap());
    assert_eq!((done["action"].as_str(), done["outcome"].as_str(), done["bill"]["billStatus"].as_str()), (Some("done"), Some("already-cancelled"), Some("CLOSED")));
    assert_eq!(code_and_field(recovery.answer(Some(200), Some(voided.into()), 0.5).unwrap_err()).0, "ERR_INTERNAL");
    let bad = binding::Recovery::new(opts(json!({ "attempts": 1 }))).err().unwrap();
    assert_eq!(code_and_field(bad), err("ERR_FIELD_FORMAT", "retry.attempts"));
    let query = binding::recovery_query_input(r#"{"mid":"m","billNo":"3194A","merOrderId":"3194M"}"#).unwrap();
    assert_eq!(query, r#"{"mid":"m","billNo":"3194A"}"#);
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
    let mut in_call = binding::Recovery::new(JsValue::UNDEFINED).unwrap();
    assert_eq!(code_and_field(in_call.state().unwrap_err()), err("ERR_INVALID_STATE", "recovery"));
    let mut durable = binding::Recovery::begin(input, JsValue::UNDEFINED, V1_MS.into()).unwrap();
    assert_eq!(code_and_field(durable.start().unwrap_err()), err("ERR_INVALID_STATE", "recovery"));
    assert!(in_call.start().is_ok());
    assert_eq!(code_and_field(binding::Recovery::begin(input, opts(json!({ "deadlineMs": -1 })), JsValue::UNDEFINED).err().unwrap()), err("ERR_FIELD_FORMAT", "schedule.deadlineMs"));
}
