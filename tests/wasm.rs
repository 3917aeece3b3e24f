//! The wasm build, run by wasm-bindgen-test-runner in Node: the shared vectors through the
//! exact functions the npm package calls, the JS-backed CSPRNG, and errors as thrown to JS.
// Test helpers outside #[test] functions may assert with unwrap and indexing too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg(target_arch = "wasm32")]

use chinaums_open::wasm as binding;
use serde_json::Value;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const OPEN_BODY_SIG: &str = include_str!("vectors/open-body-sig.json");
const V1_MS: f64 = 1_735_758_245_000.0;

fn cases() -> Vec<Value> {
    let doc: Value = serde_json::from_str(OPEN_BODY_SIG).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn s<'a>(case: &'a Value, name: &str) -> &'a str {
    case[name].as_str().unwrap()
}

// The package signs and builds through the I/O buffer (src/wasm/io.rs); these helpers drive
// it from Rust the way pkg/src/io.js does, and give back the older, flat result strings.

/// `authorization\nsignature\nbodyDigest\ntimestamp\nnonce`, through `WasmSigner::sign_io`.
fn sign_with(signer: &binding::WasmSigner, body: &[u8], timestamp: Option<&str>, nonce: Option<&str>, now: f64) -> Result<String, JsValue> {
    let lengths = binding::write_parts(&[Some(body), timestamp.map(str::as_bytes), nonce.map(str::as_bytes)]);
    let packed = signer.sign_io(lengths[0], lengths[1], lengths[2], now)? as usize;
    let (nonce_len, header_len) = (packed & 0xff, packed >> 8);
    let out = String::from_utf8(binding::read_result(122 + nonce_len + header_len)).unwrap();
    let part = |a: usize, b: usize| out[a..b].to_owned();
    Ok([part(122 + nonce_len, out.len()), part(64, 108), part(0, 64), part(108, 122), part(122, 122 + nonce_len)].join("\n"))
}

fn sign_open_body(app_id: &str, key: String, body: &[u8], timestamp: Option<String>, nonce: Option<String>, now: f64, max: Option<f64>) -> Result<String, JsValue> {
    let signer = binding::WasmSigner::new(app_id, key, max)?;
    sign_with(&signer, body, timestamp.as_deref(), nonce.as_deref(), now)
}

/// `url\nbody`, through `build_bills_io`.
#[allow(clippy::too_many_arguments)]
fn build_bills(endpoint: &str, json: &str, env: Option<String>, base_url: Option<String>, now: f64, msg_src_id: Option<String>, allow_unknown: bool, max: Option<f64>) -> Result<String, JsValue> {
    let parts = [Some(json.as_bytes()), Some(endpoint.as_bytes()), env.as_deref().map(str::as_bytes), base_url.as_deref().map(str::as_bytes), msg_src_id.as_deref().map(str::as_bytes)];
    let l = binding::write_parts(&parts);
    let len = binding::build_bills_io(l[0], l[1], l[2], l[3], l[4], now, allow_unknown, max)?;
    Ok(String::from_utf8(binding::read_result(len)).unwrap())
}

fn build_preauth_cancel(json: &str, env: Option<String>, base_url: Option<String>, now: f64, msg_src_id: Option<String>, allow_unknown: bool, max: Option<f64>) -> Result<String, JsValue> {
    build_bills("preauth-cancel", json, env, base_url, now, msg_src_id, allow_unknown, max)
}

fn validate_preauth_cancel(json: &str, msg_src_id: Option<String>, allow_unknown: bool, apply_defaults: bool, max: Option<f64>) -> String {
    binding::validate_bills("preauth-cancel", json, msg_src_id, allow_unknown, apply_defaults, max).unwrap()
}

fn thrown(err: JsValue) -> Value {
    serde_json::from_str(&err.as_string().expect("errors are thrown as JSON text")).unwrap()
}

#[wasm_bindgen_test]
fn one_shot_signing_reproduces_every_vector() {
    for c in cases() {
        let out = sign_open_body(
            s(&c, "appId"),
            s(&c, "appKey").to_owned(),
            s(&c, "body").as_bytes(),
            Some(s(&c, "timestamp").to_owned()),
            Some(s(&c, "nonce").to_owned()),
            0.0,
            None,
        )
        .unwrap();
        let parts: Vec<&str> = out.split('\n').collect();
        assert_eq!(
            parts,
            [s(&c, "authorization"), s(&c, "signature"), s(&c, "bodyDigest"), s(&c, "timestamp"), s(&c, "nonce")],
            "{}",
            s(&c, "name")
        );
    }
}

#[wasm_bindgen_test]
fn the_signer_and_the_stages_reproduce_every_vector() {
    for c in cases() {
        let signer = binding::WasmSigner::new(s(&c, "appId"), s(&c, "appKey").into(), None).unwrap();
        let out = sign_with(&signer, s(&c, "body").as_bytes(), Some(s(&c, "timestamp")), Some(s(&c, "nonce")), 0.0).unwrap();
        assert!(out.starts_with(&format!("{}\n", s(&c, "authorization"))));
        assert_eq!(binding::body_digest(s(&c, "body").as_bytes()), s(&c, "bodyDigest"));
        let sts = binding::string_to_sign(s(&c, "appId"), s(&c, "timestamp"), s(&c, "nonce"), s(&c, "bodyDigest")).unwrap();
        assert_eq!(sts, s(&c, "stringToSign"));
        assert_eq!(binding::signature(s(&c, "appKey").into(), &sts).unwrap(), s(&c, "signature"));
        let header = binding::authorization_header(s(&c, "appId"), s(&c, "timestamp"), s(&c, "nonce"), s(&c, "signature")).unwrap();
        assert_eq!(header, s(&c, "authorization"));
    }
}

#[wasm_bindgen_test]
fn every_vector_verifies_and_a_changed_body_does_not() {
    for c in cases() {
        let ts = s(&c, "timestamp");
        // Epoch ms of the vector's Beijing timestamp, via the binding's own time parser.
        let signed_at = chinaums_open::time::BeijingTime::parse_compact(ts).unwrap().to_epoch_ms() as f64;
        let ok = binding::verify_open_body(s(&c, "authorization"), s(&c, "body").as_bytes(), s(&c, "appKey").into(), signed_at, 300.0, None).unwrap();
        assert_eq!(ok, format!("{}\n{}\n{}", s(&c, "appId"), ts, s(&c, "nonce")));
        let tampered = format!("{} ", s(&c, "body"));
        let err = thrown(binding::verify_open_body(s(&c, "authorization"), tampered.as_bytes(), s(&c, "appKey").into(), signed_at, 300.0, None).unwrap_err());
        assert_eq!(err["code"], "ERR_SIGNATURE_MISMATCH");
        assert!(!err["message"].as_str().unwrap().contains(s(&c, "appKey")));
    }
}

#[wasm_bindgen_test]
fn defaults_come_from_the_js_clock_and_crypto_get_random_values() {
    let a = sign_open_body("app", "key".into(), b"{}", None, None, V1_MS, None).unwrap();
    let b = sign_open_body("app", "key".into(), b"{}", None, None, V1_MS, None).unwrap();
    let (a, b): (Vec<&str>, Vec<&str>) = (a.split('\n').collect(), b.split('\n').collect());
    assert_eq!(a[3], "20250102030405");
    assert_eq!(a[4].len(), 32);
    assert!(a[4].bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')));
    assert_ne!(a[4], b[4], "a fresh nonce per call");
    assert_eq!(binding::nonce().unwrap().len(), 32);
}

#[wasm_bindgen_test]
fn beijing_time_is_utc_plus_8() {
    assert_eq!(binding::beijing_time(1_735_747_200_000.0).unwrap(), "20250102000000\n2025-01-02 00:00:00\n2025-01-02");
    assert_eq!(binding::beijing_time(1_735_747_199_999.9).unwrap(), "20250101235959\n2025-01-01 23:59:59\n2025-01-01");
    let err = thrown(binding::beijing_time(f64::NAN).unwrap_err());
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_FIELD_FORMAT"), Some("epochMs")));
}

#[wasm_bindgen_test]
fn building_and_parsing_preauth_cancel() {
    let input = r#"{"mid":"898201612345678","tid":"88880001","billNo":"3194202501020304050001","billDate":"2025-01-02","merOrderId":"31942025010203040500010","authIdRespCd":"000665"}"#;
    let out = build_preauth_cancel(input, Some("test".into()), None, V1_MS, Some("3194".into()), false, None).unwrap();
    let (url, body) = out.split_once('\n').unwrap();
    assert_eq!(url, "https://test-api-open.chinaums.com/v1/netpay/bills/preauth-cancel");
    let v1 = cases().into_iter().find(|c| s(c, "name").starts_with("V1-")).unwrap();
    assert_eq!(body, s(&v1, "body"));

    let err = thrown(build_preauth_cancel("{}", Some("prod".into()), None, V1_MS, None, false, None).unwrap_err());
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_FIELD_FORMAT"), Some("env")));
    let err = thrown(build_preauth_cancel(r#"{"billno":"x"}"#, Some("test".into()), None, V1_MS, None, false, None).unwrap_err());
    assert_eq!(err["code"], "ERR_UNKNOWN_FIELD");
    assert_eq!(err["issues"].as_array().unwrap().len(), 7);

    let issues: Value = serde_json::from_str(&validate_preauth_cancel(r#"{"billDate":"2025-02-30"}"#, None, false, true, None)).unwrap();
    assert!(issues.as_array().unwrap().iter().any(|i| i["field"] == "billDate" && i["code"] == "ERR_FIELD_FORMAT"));

    let parsed: Value = serde_json::from_str(
        &binding::parse_bills_response(r#"{"errCode":"SUCCESS","billStatus":"CLOSED","billPayment":{"totalAmount":"2100"}}"#, None).unwrap(),
    )
    .unwrap();
    assert_eq!(parsed["billPayment"]["totalAmount"], 2100);
    assert_eq!(parsed["ok"], true);
}

// ---------------------------------------------------------------------------------------------
// The rest of the protocol (issue 6): the token, OPEN-FORM-PARAM and notification vectors and
// the lifecycle builders through the exact functions the npm package calls.

const ACCESS_TOKEN: &str = include_str!("vectors/access-token.json");
const OPEN_FORM_PARAM: &str = include_str!("vectors/open-form-param.json");
const NOTIFY: &str = include_str!("vectors/notify.json");

fn cases_of(file: &str) -> (Value, Vec<Value>) {
    let doc: Value = serde_json::from_str(file).unwrap();
    let cases = doc["cases"].as_array().unwrap().clone();
    assert!(!cases.is_empty());
    (doc, cases)
}

#[wasm_bindgen_test]
fn access_token_vectors_and_responses() {
    for c in cases_of(ACCESS_TOKEN).1 {
        let out = binding::access_token_request(
            s(&c, "appId"),
            s(&c, "appKey").into(),
            Some(s(&c, "timestamp").into()),
            Some(s(&c, "nonce").into()),
            0.0,
            Some("test".into()),
            None,
        )
        .unwrap();
        assert_eq!(out, format!("https://test-api-open.chinaums.com/v1/token/access\n{}", s(&c, "body")));
    }
    // Timestamp from the JS clock, nonce from crypto.getRandomValues.
    let out = binding::access_token_request("app", "key".into(), None, None, V1_MS, None, Some("http://127.0.0.1:9".into())).unwrap();
    let body: Value = serde_json::from_str(out.split_once('\n').unwrap().1).unwrap();
    assert_eq!(body["timestamp"], "20250102030405");
    assert_eq!(body["nonce"].as_str().unwrap().len(), 32);

    let token: Value = serde_json::from_str(
        &binding::parse_access_token_response(r#"{"errCode":"0000","accessToken":"tok","expiresIn":3600}"#, V1_MS).unwrap(),
    )
    .unwrap();
    assert_eq!(token["expiresAt"].as_f64().unwrap(), V1_MS + 3_600_000.0);
    let err = thrown(binding::parse_access_token_response(r#"{"errCode":"1000","errInfo":"认证失败"}"#, V1_MS).unwrap_err());
    assert_eq!((err["code"].as_str(), err["platformCode"].as_str()), (Some("ERR_PLATFORM"), Some("1000")));
    assert_eq!(binding::access_token_refresh_at(3_600_000.0, 3600.0, 300.0).unwrap(), 3_300_000.0);
    assert!(binding::access_token_refresh_at(3_600_000.0, 1.5, 300.0).is_err());
    assert_eq!(binding::token_authorization("tok").unwrap(), "OPEN-ACCESS-TOKEN AccessToken=tok");
}

#[wasm_bindgen_test]
fn open_form_param_vectors() {
    for c in cases_of(OPEN_FORM_PARAM).1 {
        let url = binding::form_param_url(
            s(&c, "appId"),
            s(&c, "appKey").into(),
            "https://test-api-open.chinaums.com/v1/netpay/trade/h5-pay",
            s(&c, "content"),
            Some(s(&c, "timestamp").into()),
            Some(s(&c, "nonce").into()),
            0.0,
        )
        .unwrap();
        assert_eq!(url, format!("https://test-api-open.chinaums.com/v1/netpay/trade/h5-pay?{}", s(&c, "query")));
    }
}

#[wasm_bindgen_test]
fn notification_vectors_and_tampering() {
    let (doc, cases) = cases_of(NOTIFY);
    let key = doc["key"].as_str().unwrap();
    for c in cases {
        let params = serde_json::to_string(&c["params"]).unwrap();
        assert!(binding::verify_notification(&params, false, key.into(), None).unwrap(), "{}", s(&c, "name"));
        assert_eq!(binding::sign_notification(&params, false, key.into(), None).unwrap(), s(&c, "sign"));
        let expected = s(&c, "stringToHash").strip_suffix(key).unwrap();
        assert_eq!(binding::notification_string_to_sign(&params, false).unwrap(), expected);
        let tampered = params.replace("\"PAID\"", "\"UNPAID\"");
        assert!(!binding::verify_notification(&tampered, false, key.into(), None).unwrap());
        assert!(!binding::verify_notification(&params, false, "another-key".into(), None).unwrap());
        let parsed: Value = serde_json::from_str(&binding::parse_notification(&params, false).unwrap()).unwrap();
        assert_eq!(parsed["billPayment"]["status"], "TRADE_SUCCESS");
    }
    // A raw form body, '+' for a space.
    let body = "b=x+y&signType=MD5&sign=";
    let sign = binding::sign_notification("b=x+y&signType=MD5", true, "k".into(), None).unwrap();
    assert!(binding::verify_notification(&format!("{body}{sign}"), true, "k".into(), Some("SHA256".into())).unwrap());
    assert!(!binding::verify_notification(&format!("b=x%2By&signType=MD5&sign={sign}"), true, "k".into(), None).unwrap());
    assert!(!binding::verify_notification("b=%zz", true, "k".into(), None).unwrap());
    let err = thrown(binding::verify_notification(body, true, "".into(), None).unwrap_err());
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_FIELD_REQUIRED"), Some("communicationKey")));
    let err = thrown(binding::verify_notification(body, true, "k".into(), Some("SHA1".into())).unwrap_err());
    assert_eq!(err["field"], "defaultSignType");
}

#[wasm_bindgen_test]
fn response_signatures_are_optional_but_never_wrong() {
    let v1 = cases().into_iter().find(|c| s(c, "name").starts_with("V1-")).unwrap();
    let unsigned = binding::verify_response_signature(None, b"{}", s(&v1, "appKey").into(), V1_MS, 300.0).unwrap();
    assert_eq!(unsigned, r#"{"signed":false}"#);
    let signed = binding::verify_response_signature(Some(s(&v1, "authorization").into()), s(&v1, "body").as_bytes(), s(&v1, "appKey").into(), V1_MS, 300.0).unwrap();
    assert_eq!(signed, format!(r#"{{"signed":true,"appId":"{}","timestamp":"20250102030405","nonce":"{}"}}"#, s(&v1, "appId"), s(&v1, "nonce")));
    let err = thrown(binding::verify_response_signature(Some(s(&v1, "authorization").into()), b"{}", s(&v1, "appKey").into(), V1_MS, 300.0).unwrap_err());
    assert_eq!(err["code"], "ERR_SIGNATURE_MISMATCH");
}

#[wasm_bindgen_test]
fn lifecycle_builders_and_the_generic_builder() {
    let capture = r#"{"mid":"898201612345678","tid":"88880001","billNo":"3194202501020304050001","billDate":"2025-01-02","authedOrderId":"31942025010203040500011","authIdRespCd":"000665","totalAmount":2100}"#;
    let out = build_bills("preauthed", capture, Some("test".into()), None, V1_MS, Some("3194".into()), false, None).unwrap();
    assert_eq!(
        out,
        "https://test-api-open.chinaums.com/v1/netpay/bills/preauthed\n{\"requestTimestamp\":\"2025-01-02 03:04:05\",\"mid\":\"898201612345678\",\"tid\":\"88880001\",\"instMid\":\"QRPAYDEFAULT\",\"billNo\":\"3194202501020304050001\",\"billDate\":\"2025-01-02\",\"authedOrderId\":\"31942025010203040500011\",\"authIdRespCd\":\"000665\",\"totalAmount\":2100}"
    );
    let err = thrown(build_bills("preauthed", &capture.replace("2100", "0"), Some("test".into()), None, V1_MS, None, false, None).unwrap_err());
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_FIELD_FORMAT"), Some("totalAmount")));
    let issues: Value = serde_json::from_str(&binding::validate_bills("preauthed-cancel", "{}", None, false, true, None).unwrap()).unwrap();
    let fields: Vec<&str> = issues.as_array().unwrap().iter().map(|i| i["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["mid", "tid", "merOrderId"]);
    let issues: Value = serde_json::from_str(&binding::validate_bills("query", r#"{"billNo":1}"#, None, false, true, None).unwrap()).unwrap();
    assert!(issues.as_array().unwrap().iter().any(|i| i["field"] == "billNo" && i["code"] == "ERR_FIELD_TYPE"));
    assert!(binding::validate_bills("refund", "{}", None, false, false, None).is_err());

    let out = binding::build_bills_request("close-qrcode", r#"{"qrCodeId":"Q1"}"#, None, Some("http://127.0.0.1:9/".into()), V1_MS).unwrap();
    assert_eq!(out, "http://127.0.0.1:9/v1/netpay/bills/close-qrcode\n{\"requestTimestamp\":\"2025-01-02 03:04:05\",\"qrCodeId\":\"Q1\"}");
    let err = thrown(binding::build_bills_request("../token", "{}", Some("test".into()), None, V1_MS).unwrap_err());
    assert_eq!(err["field"], "service");
    let parsed: Value = serde_json::from_str(&binding::parse_bills_response(r#"{"errCode":"SUCCESS","refundBillPayment":{"refundAmount":"5"}}"#, None).unwrap()).unwrap();
    assert_eq!(parsed["refundBillPayment"]["refundAmount"], 5);
}

#[wasm_bindgen_test]
fn clock_offset_from_the_response_timestamp() {
    assert_eq!(binding::clock_offset("2025-01-02 03:04:05", V1_MS - 120_000.0).unwrap(), 120_000.0);
    assert_eq!(binding::clock_offset("2025-01-02 03:04:05", V1_MS + 1_500.0).unwrap(), -1_500.0);
    let err = thrown(binding::clock_offset("yesterday", V1_MS).unwrap_err());
    assert_eq!(err["field"], "responseTimestamp");
}

#[wasm_bindgen_test]
fn body_caps_are_configurable_and_reported_with_their_field() {
    let err = thrown(sign_open_body("app", "key".into(), b"12345", None, Some("n".into()), V1_MS, Some(4.0)).unwrap_err());
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_BODY_TOO_LARGE"), Some("body")));
    assert!(sign_open_body("app", "key".into(), b"1234", None, Some("n".into()), V1_MS, Some(4.0)).is_ok());
    for bad in [-1.0, 1.5, f64::NAN, f64::INFINITY, 2e9] {
        let err = thrown(binding::WasmSigner::new("app", "key".into(), Some(bad)).err().unwrap());
        assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_FIELD_FORMAT"), Some("maxBodyBytes")), "{bad}");
    }
    let err = thrown(binding::parse_bills_response(r#"{"errCode":"SUCCESS"}"#, Some(10.0)).unwrap_err());
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_BODY_TOO_LARGE"), Some("text")));
    let err = thrown(binding::parse_bills_response(r#"{"errCode":"SUCCESS"}"#, Some(10.0)).unwrap_err());
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_BODY_TOO_LARGE"), Some("text")));
    let issues: Value = serde_json::from_str(&validate_preauth_cancel("{}", None, false, false, Some(1.0))).unwrap();
    assert_eq!((issues[0]["code"].as_str(), issues[0]["field"].as_str()), (Some("ERR_BODY_TOO_LARGE"), Some("input")));
    let issues: Value = serde_json::from_str(&binding::validate_bills("query", "{}", None, false, false, Some(-1.0)).unwrap()).unwrap();
    assert_eq!(issues[0]["field"], "maxBodyBytes");
    let err = thrown(build_bills("query", "{}", Some("test".into()), None, V1_MS, None, false, Some(1.0)).unwrap_err());
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_BODY_TOO_LARGE"), Some("input")));
    // The wrapper's pre-copy check gives the same errors as the core.
    let err = thrown(binding::check_input_size("body", 2_000_000.0, None).unwrap_err());
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_BODY_TOO_LARGE"), Some("body")));
    let err = thrown(binding::check_input_size("authorization", 5000.0, None).unwrap_err());
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_HEADER_TOO_LARGE"), Some("authorization")));
    assert!(binding::check_input_size("body", 1_048_576.0, None).is_ok());
}

#[wasm_bindgen_test]
fn large_bodies_hashed_in_wasm_match_the_rustcrypto_types() {
    use hmac::{KeyInit, Mac};
    use sha2::Digest;
    let signer = binding::WasmSigner::new("app", "key".into(), None).unwrap();
    for size in [0usize, 63, 64, 1023, 1024, 5000, 70_000] {
        let body: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
        let digest: String = sha2::Sha256::digest(&body).iter().map(|b| format!("{b:02x}")).collect();
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"key").unwrap();
        mac.update(format!("app20250102030405n1{digest}").as_bytes());
        let expected = mac.finalize().into_bytes();
        let out = sign_with(&signer, &body, Some("20250102030405"), Some("n1"), 0.0).unwrap();
        let parts: Vec<&str> = out.split('\n').collect();
        assert_eq!(parts[2], digest, "digest of {size} bytes");
        let expected_b64 = {
            // Base64 via the crate's own header round trip would be circular; compare bytes instead.
            let claimed = parts[1];
            let decoded = chinaums_open::open_body_sig::Authorization::parse(parts[0]).unwrap().signature;
            assert_eq!(decoded, claimed);
            claimed.to_owned()
        };
        let mut decoded = [0u8; 32];
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let bits: Vec<u8> = expected_b64.bytes().filter(|c| *c != b'=').map(|c| alphabet.iter().position(|a| *a == c).unwrap() as u8).collect();
        let mut acc = 0u32;
        let mut n = 0;
        let mut out_i = 0;
        for v in bits {
            acc = acc << 6 | u32::from(v);
            n += 6;
            if n >= 8 && out_i < 32 {
                n -= 8;
                decoded[out_i] = (acc >> n) as u8;
                out_i += 1;
            }
        }
        assert_eq!(&decoded[..], &expected[..], "signature of {size} bytes");
    }
}

#[wasm_bindgen_test]
fn an_impossible_io_reservation_is_an_error_and_the_buffer_keeps_working() {
    let err = thrown(binding::io_reserve(usize::MAX).unwrap_err());
    assert_eq!(err["code"], "ERR_BODY_TOO_LARGE");
    let signer = binding::WasmSigner::new("app", "key".into(), None).unwrap();
    let out = sign_with(&signer, b"{}", Some("20250102030405"), Some("n"), 0.0).unwrap();
    assert!(out.starts_with("OPEN-BODY-SIG AppId=\"app\""));
    assert_ne!(binding::io_address(), 0);
}
