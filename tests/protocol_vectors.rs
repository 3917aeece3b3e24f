//! The shared token, OPEN-FORM-PARAM and notification vectors, through the public Rust API.
// Test helpers outside #[test] functions may assert with unwrap and indexing too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use chinaums_open::form_param::form_param_url;
use chinaums_open::notify::{sign_notification, verify_notification, CommunicationKey, NotifyParams, SignType};
use chinaums_open::open_body_sig::{body_digest, signature, string_to_sign, AppKey};
use chinaums_open::token::{access_token_request, token_signature};
use serde_json::Value;

fn cases(file: &str) -> (Value, Vec<Value>) {
    let doc: Value = serde_json::from_str(file).expect("vector file is JSON");
    let cases = doc["cases"].as_array().expect("cases").clone();
    assert!(!cases.is_empty());
    (doc, cases)
}

fn s<'a>(case: &'a Value, name: &str) -> &'a str {
    case[name].as_str().unwrap_or_else(|| panic!("{name}"))
}

#[test]
fn access_token_vectors() {
    let (_, cases) = cases(include_str!("vectors/access-token.json"));
    for c in cases {
        let key = AppKey::new(s(&c, "appKey")).unwrap();
        assert_eq!(token_signature(s(&c, "appId"), s(&c, "timestamp"), s(&c, "nonce"), &key), s(&c, "signature"));
        let request = access_token_request(s(&c, "appId"), &key, s(&c, "timestamp"), s(&c, "nonce"), "https://test-api-open.chinaums.com").unwrap();
        assert_eq!(request.body, s(&c, "body"));
        assert_eq!(request.signature, s(&c, "signature"));
        assert_eq!(request.url, "https://test-api-open.chinaums.com/v1/token/access");
    }
}

#[test]
fn open_form_param_vectors() {
    let (_, cases) = cases(include_str!("vectors/open-form-param.json"));
    for c in cases {
        let key = AppKey::new(s(&c, "appKey")).unwrap();
        // The signature is OPEN-BODY-SIG's over the raw content bytes, stage by stage.
        let digest = body_digest(s(&c, "content").as_bytes());
        let sts = string_to_sign(s(&c, "appId"), s(&c, "timestamp"), s(&c, "nonce"), &digest);
        assert_eq!(signature(&key, &sts), s(&c, "signature"));
        let url = "https://test-api-open.chinaums.com/v1/netpay/trade/h5-pay";
        let signed = form_param_url(s(&c, "appId"), &key, url, s(&c, "content"), s(&c, "timestamp"), s(&c, "nonce")).unwrap();
        assert_eq!(signed.signature, s(&c, "signature"));
        assert_eq!(signed.query, s(&c, "query"));
        assert_eq!(signed.url, format!("{url}?{}", s(&c, "query")));
    }
}

/// The vector's params as a raw form body, encoded independently of the library (Java
/// URLEncoder rules), in the vector's order.
fn form_body(params: &serde_json::Map<String, Value>) -> String {
    let encode = |text: &str| {
        let mut out = String::new();
        for b in text.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => out.push(char::from(b)),
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    };
    params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v.as_str().unwrap())))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn notification_vectors() {
    let (doc, cases) = cases(include_str!("vectors/notify.json"));
    let key_text = doc["key"].as_str().unwrap();
    let key = CommunicationKey::new(key_text).unwrap();
    for c in cases {
        let name = s(&c, "name");
        let params_json = serde_json::to_string(&c["params"]).unwrap();
        let from_json = NotifyParams::from_json(&params_json).unwrap();
        let from_form = NotifyParams::from_form(&form_body(c["params"].as_object().unwrap())).unwrap();
        assert_eq!(from_json, from_form, "{name}: the JSON and form readings agree");
        let expected_string = s(&c, "stringToHash").strip_suffix(key_text).expect("stringToHash ends with the key");
        assert_eq!(from_json.string_to_sign().unwrap(), expected_string, "{name}");
        assert_eq!(sign_notification(&from_json, &key, None).unwrap(), s(&c, "sign"), "{name}");
        for default in [SignType::Md5, SignType::Sha256] {
            assert!(verify_notification(&from_json, &key, default), "{name}: declared signType wins over the default");
            assert!(verify_notification(&from_form, &key, default), "{name}");
        }
        assert!(!verify_notification(&from_json, &CommunicationKey::new("FictionalCommKey124").unwrap(), SignType::Md5));
    }
}
