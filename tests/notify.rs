//! Notification signatures: every way a notification can be tampered with or mis-encoded
//! fails; every legitimate way of receiving it (JSON object, raw form body, lowercase sign)
//! passes. Hashes here are computed independently with the hash crates, not the library.
// Test helpers outside #[test] functions may assert with unwrap and indexing too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use chinaums_open::notify::{
    verify_notification, verify_notification_form, CommunicationKey, NotifyParams, SignType,
};
use chinaums_open::ErrorCode;
use md5::Md5;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

const NOTIFY: &str = include_str!("vectors/notify.json");

fn doc() -> Value {
    serde_json::from_str(NOTIFY).unwrap()
}

fn key_text() -> String {
    doc()["key"].as_str().unwrap().to_owned()
}

fn key() -> CommunicationKey {
    CommunicationKey::new(&key_text()).unwrap()
}

/// The params of case N1 (SHA256) or N2 (MD5).
fn params(name: &str) -> Map<String, Value> {
    let doc = doc();
    let case = doc["cases"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap().clone();
    case["params"].as_object().unwrap().clone()
}

fn verify(params: &Map<String, Value>, default: SignType) -> bool {
    let json = Value::Object(params.clone()).to_string();
    verify_notification(&NotifyParams::from_json(&json).unwrap(), &key(), default)
}

/// Independent reference: sorted non-empty pairs except sign, key appended, uppercase hex.
fn reference_sign(params: &Map<String, Value>, sign_type: &str, keep_empty: bool) -> String {
    let mut pairs: Vec<(&String, &str)> = params
        .iter()
        .filter(|(k, _)| k.as_str() != "sign")
        .map(|(k, v)| (k, v.as_str().unwrap()))
        .filter(|(_, v)| keep_empty || !v.is_empty())
        .collect();
    pairs.sort();
    let text = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&") + &key_text();
    let bytes = match sign_type {
        "MD5" => Md5::digest(text.as_bytes()).to_vec(),
        _ => Sha256::digest(text.as_bytes()).to_vec(),
    };
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

fn form_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => out.push(char::from(b)),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn form_body(params: &Map<String, Value>) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v.as_str().unwrap())))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn the_reference_reproduces_the_vectors() {
    assert_eq!(reference_sign(&params("N1-sha256"), "SHA256", false), params("N1-sha256")["sign"]);
    assert_eq!(reference_sign(&params("N2-md5"), "MD5", false), params("N2-md5")["sign"]);
}

#[test]
fn the_vectors_verify_from_json_and_from_the_raw_form_body() {
    for name in ["N1-sha256", "N2-md5"] {
        let p = params(name);
        assert!(verify(&p, SignType::Md5), "{name}");
        assert!(verify_notification_form(&form_body(&p), &key(), SignType::Md5), "{name}");
    }
}

#[test]
fn changing_any_single_field_fails() {
    for name in ["N1-sha256", "N2-md5"] {
        let original = params(name);
        for field in original.keys().filter(|k| k.as_str() != "sign") {
            let mut changed = original.clone();
            let value = changed[field].as_str().unwrap().to_owned();
            changed.insert(field.clone(), Value::String(value + "1"));
            assert!(!verify(&changed, SignType::Md5), "{name}: changed {field}");
            assert!(!verify_notification_form(&form_body(&changed), &key(), SignType::Md5), "{name}: form, changed {field}");
        }
        let mut removed = original.clone();
        removed.remove("billNo");
        assert!(!verify(&removed, SignType::Md5), "{name}: a dropped field");
        let mut added = original.clone();
        added.insert("extra".into(), Value::String("1".into()));
        assert!(!verify(&added, SignType::Md5), "{name}: an added field");
    }
}

#[test]
fn a_changed_missing_or_malformed_sign_fails_and_a_lowercase_one_passes() {
    for name in ["N1-sha256", "N2-md5"] {
        let original = params(name);
        let sign = original["sign"].as_str().unwrap().to_owned();
        let with_sign = |s: &str| {
            let mut p = original.clone();
            p.insert("sign".into(), Value::String(s.to_owned()));
            p
        };
        assert!(verify(&with_sign(&sign.to_lowercase()), SignType::Md5), "{name}: case-insensitive");
        let flipped_last = format!("{}{}", &sign[..sign.len() - 1], if sign.ends_with('0') { '1' } else { '0' });
        let flipped_first = format!("{}{}", if sign.starts_with('0') { '1' } else { '0' }, &sign[1..]);
        for bad in [
            flipped_last.as_str(),
            flipped_first.as_str(),
            &sign[..sign.len() - 2],
            &format!("{sign}00"),
            &format!("{}G", &sign[..sign.len() - 1]),
            "",
            " ",
        ] {
            assert!(!verify(&with_sign(bad), SignType::Md5), "{name}: sign {bad:?}");
        }
        let mut unsigned = original.clone();
        unsigned.remove("sign");
        assert!(!verify(&unsigned, SignType::Md5), "{name}: no sign");
    }
}

#[test]
fn another_key_fails() {
    let p = params("N1-sha256");
    let json = Value::Object(p).to_string();
    let parsed = NotifyParams::from_json(&json).unwrap();
    for other in ["FictionalCommKey12", "FictionalCommKey1234", "fictionalcommkey123", "fictional0app0key0for0tests00001"] {
        assert!(!verify_notification(&parsed, &CommunicationKey::new(other).unwrap(), SignType::Md5), "{other}");
    }
}

#[test]
fn flipping_sign_type_or_mixing_algorithms_fails() {
    let mut n1 = params("N1-sha256");
    n1.insert("signType".into(), Value::String("MD5".into()));
    assert!(!verify(&n1, SignType::Md5), "SHA256 sign, signType says MD5");
    let mut n2 = params("N2-md5");
    n2.insert("signType".into(), Value::String("SHA256".into()));
    assert!(!verify(&n2, SignType::Md5), "MD5 sign, signType says SHA256");
    // The other vector's sign under this one's params.
    let mut mixed = params("N1-sha256");
    mixed.insert("sign".into(), params("N2-md5")["sign"].clone());
    assert!(!verify(&mixed, SignType::Sha256));
    // An unknown algorithm is never guessed.
    let mut rsa = params("N1-sha256");
    rsa.insert("signType".into(), Value::String("RSA".into()));
    assert!(!verify(&rsa, SignType::Sha256));
    // Declared in another case is still the same algorithm.
    let mut lower = params("N1-sha256");
    lower.insert("signType".into(), Value::String("sha256".into()));
    lower.insert("sign".into(), Value::String(reference_sign(&lower, "SHA256", false)));
    assert!(verify(&lower, SignType::Md5));
}

#[test]
fn without_sign_type_the_default_decides_md5_unless_overridden() {
    let mut p = params("N2-md5");
    p.remove("signType");
    p.insert("sign".into(), Value::String(reference_sign(&p, "MD5", false)));
    assert!(verify(&p, SignType::Md5));
    assert!(!verify(&p, SignType::Sha256));
    p.insert("sign".into(), Value::String(reference_sign(&p, "SHA256", false)));
    assert!(verify(&p, SignType::Sha256));
    assert!(!verify(&p, SignType::Md5));
    // An empty signType counts as absent (and, being empty, is not signed).
    p.insert("signType".into(), Value::String(String::new()));
    assert!(verify(&p, SignType::Sha256));
}

#[test]
fn the_conflicting_variants_of_protocol_md_do_not_verify() {
    // §12.3: keeping the empty memo gives 48061D7A…88FC1A7C, dropping signType 3421E3C6…4C9BECF2.
    let n1 = params("N1-sha256");
    let keep_empty = reference_sign(&n1, "SHA256", true);
    assert!(keep_empty.starts_with("48061D7A") && keep_empty.ends_with("88FC1A7C"), "{keep_empty}");
    let mut without_sign_type = n1.clone();
    without_sign_type.remove("signType");
    let dropped = reference_sign(&without_sign_type, "SHA256", false);
    assert!(dropped.starts_with("3421E3C6") && dropped.ends_with("4C9BECF2"), "{dropped}");
    for variant in [keep_empty, dropped] {
        let mut p = n1.clone();
        p.insert("sign".into(), Value::String(variant));
        assert!(!verify(&p, SignType::Sha256));
    }
}

#[test]
fn empty_values_and_the_sign_itself_are_not_signed() {
    let mut p = params("N1-sha256");
    // More empty fields change nothing...
    p.insert("billDesc".into(), Value::String(String::new()));
    p.insert("memberId".into(), Value::Null);
    assert!(verify(&p, SignType::Md5));
    // ...but giving the empty memo a value does.
    p.insert("memo".into(), Value::String("x".into()));
    assert!(!verify(&p, SignType::Md5));
    let parsed = NotifyParams::from_json(&Value::Object(params("N1-sha256")).to_string()).unwrap();
    assert!(!parsed.string_to_sign().unwrap().contains("sign="));
    assert!(!parsed.string_to_sign().unwrap().contains("memo="));
}

#[test]
fn raw_form_bodies_decode_plus_and_percent_escapes_exactly_once() {
    let mut p = Map::new();
    for (k, v) in [
        ("billDesc", "预授权 押金+100%"),
        ("billNo", "3194A1"),
        ("billPayment", r#"{"payDetail":"现金支付 21.00元","totalAmount":100}"#),
        ("signType", "SHA256"),
    ] {
        p.insert(k.into(), Value::String(v.into()));
    }
    let sign = reference_sign(&p, "SHA256", false);
    p.insert("sign".into(), Value::String(sign));
    let body = form_body(&p);
    assert!(body.contains("%E9%A2%84") && body.contains('+') && body.contains("%2B100%25"), "{body}");
    assert!(verify_notification_form(&body, &key(), SignType::Md5));
    // %20 for a space is the same value.
    assert!(verify_notification_form(&body.replace('+', "%20"), &key(), SignType::Md5));
    // A literal '+' is a space, not a plus: decoding '%2B' as '+' matters.
    assert!(!verify_notification_form(&body.replace("%2B", "+"), &key(), SignType::Md5));
    // Decoding twice (a known bug elsewhere) or not at all breaks it.
    assert!(!verify_notification_form(&body.replace("%25", "%"), &key(), SignType::Md5));
    // Field order in the body does not matter.
    let reversed: Vec<&str> = body.split('&').rev().collect();
    assert!(verify_notification_form(&reversed.join("&"), &key(), SignType::Md5));
}

#[test]
fn undecodable_duplicated_or_reserialized_input_is_false() {
    let body = form_body(&params("N2-md5"));
    for bad in [
        format!("{body}&billNo=other"),
        format!("{body}&x=%"),
        format!("{body}&x=%zz"),
        format!("{body}&x=%FF"),
        format!("{body}&=1"),
    ] {
        assert!(!verify_notification_form(&bad, &key(), SignType::Md5), "{bad}");
    }
    // A host that parsed billPayment into an object cannot check the signature any more.
    let mut parsed = params("N2-md5");
    let payment: Value = serde_json::from_str(parsed["billPayment"].as_str().unwrap()).unwrap();
    parsed.insert("billPayment".into(), payment);
    let json = Value::Object(parsed).to_string();
    assert!(!verify_notification(&NotifyParams::from_json(&json).unwrap(), &key(), SignType::Md5));
    // Errors from the parser say what is wrong.
    assert_eq!(NotifyParams::from_form("a=%").unwrap_err().code(), ErrorCode::BodyEncoding);
    assert_eq!(NotifyParams::from_form("a=1&a=1").unwrap_err().field(), Some("a"));
}

#[test]
fn parsing_gives_fields_in_order_with_bill_payment_parsed() {
    let parsed = NotifyParams::from_form(&form_body(&params("N1-sha256"))).unwrap();
    let out: Value = serde_json::from_str(&parsed.to_json().unwrap()).unwrap();
    let keys: Vec<&String> = out.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 12);
    assert_eq!(out["billPayment"]["merOrderId"], "31942025010203040500010");
    assert_eq!(out["billPayment"]["totalAmount"], 100);
    assert_eq!(out["totalAmount"], 100);
    assert_eq!(out["memo"], "");
    assert_eq!(out["sign"], "AACB8EFC3EF2285769D73CCDFF7C20438F19BA2CE5F47F291C2B9F4C55073D03");
    let err = NotifyParams::from_form("billPayment=%7B").unwrap().to_json().unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::InvalidResponse, Some("billPayment")));
}
