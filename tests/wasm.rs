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

fn thrown(err: JsValue) -> Value {
    serde_json::from_str(&err.as_string().expect("errors are thrown as JSON text")).unwrap()
}

#[wasm_bindgen_test]
fn one_shot_signing_reproduces_every_vector() {
    for c in cases() {
        let out = binding::sign_open_body(
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
        let out = signer
            .sign(s(&c, "body").as_bytes(), Some(s(&c, "timestamp").into()), Some(s(&c, "nonce").into()), 0.0)
            .unwrap();
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
    let a = binding::sign_open_body("app", "key".into(), b"{}", None, None, V1_MS, None).unwrap();
    let b = binding::sign_open_body("app", "key".into(), b"{}", None, None, V1_MS, None).unwrap();
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
    let out = binding::build_preauth_cancel(input, Some("test".into()), None, V1_MS, Some("3194".into()), false, None).unwrap();
    let (url, body) = out.split_once('\n').unwrap();
    assert_eq!(url, "https://test-api-open.chinaums.com/v1/netpay/bills/preauth-cancel");
    let v1 = cases().into_iter().find(|c| s(c, "name").starts_with("V1-")).unwrap();
    assert_eq!(body, s(&v1, "body"));

    let err = thrown(binding::build_preauth_cancel("{}", Some("prod".into()), None, V1_MS, None, false, None).unwrap_err());
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_FIELD_FORMAT"), Some("env")));
    let err = thrown(binding::build_preauth_cancel(r#"{"billno":"x"}"#, Some("test".into()), None, V1_MS, None, false, None).unwrap_err());
    assert_eq!(err["code"], "ERR_UNKNOWN_FIELD");
    assert_eq!(err["issues"].as_array().unwrap().len(), 7);

    let issues: Value = serde_json::from_str(&binding::validate_preauth_cancel(r#"{"billDate":"2025-02-30"}"#, None, false, true, None)).unwrap();
    assert!(issues.as_array().unwrap().iter().any(|i| i["field"] == "billDate" && i["code"] == "ERR_FIELD_FORMAT"));

    let parsed: Value = serde_json::from_str(
        &binding::parse_preauth_cancel_response(r#"{"errCode":"SUCCESS","billStatus":"CLOSED","billPayment":{"totalAmount":"2100"}}"#, None).unwrap(),
    )
    .unwrap();
    assert_eq!(parsed["billPayment"]["totalAmount"], 2100);
    assert_eq!(parsed["ok"], true);
}

#[wasm_bindgen_test]
fn body_caps_are_configurable_and_reported_with_their_field() {
    let err = thrown(binding::sign_open_body("app", "key".into(), b"12345", None, Some("n".into()), V1_MS, Some(4.0)).unwrap_err());
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_BODY_TOO_LARGE"), Some("body")));
    assert!(binding::sign_open_body("app", "key".into(), b"1234", None, Some("n".into()), V1_MS, Some(4.0)).is_ok());
    for bad in [-1.0, 1.5, f64::NAN, f64::INFINITY, 2e9] {
        let err = thrown(binding::WasmSigner::new("app", "key".into(), Some(bad)).err().unwrap());
        assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_FIELD_FORMAT"), Some("maxBodyBytes")), "{bad}");
    }
    let err = thrown(binding::parse_preauth_cancel_response(r#"{"errCode":"SUCCESS"}"#, Some(10.0)).unwrap_err());
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_BODY_TOO_LARGE"), Some("text")));
    let issues: Value = serde_json::from_str(&binding::validate_preauth_cancel("{}", None, false, false, Some(1.0))).unwrap();
    assert_eq!(issues[0]["code"], "ERR_BODY_TOO_LARGE");
    assert_eq!(issues[0]["field"], "input");
    let issues: Value = serde_json::from_str(&binding::validate_preauth_cancel("{}", None, false, false, Some(-1.0))).unwrap();
    assert_eq!(issues[0]["field"], "maxBodyBytes");
    // The wrapper's pre-copy check gives the same errors as the core.
    let err = thrown(binding::check_input_size("body", 2_000_000.0, None).unwrap_err());
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_BODY_TOO_LARGE"), Some("body")));
    let err = thrown(binding::check_input_size("authorization", 5000.0, None).unwrap_err());
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("ERR_HEADER_TOO_LARGE"), Some("authorization")));
    assert!(binding::check_input_size("body", 1_048_576.0, None).is_ok());
}
