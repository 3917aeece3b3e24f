//! The shared OPEN-BODY-SIG vectors, checked stage by stage and end to end.
// Test helpers outside #[test] functions may assert with unwrap and indexing too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use chinaums_open::open_body_sig::{
    authorization_header, body_digest, signature, string_to_sign, verify_open_body, AppKey,
    Authorization, OpenBodySigner, Tolerance,
};
use chinaums_open::time::BeijingTime;
use serde_json::Value;

const OPEN_BODY_SIG: &str = include_str!("vectors/open-body-sig.json");

struct Case {
    name: String,
    app_id: String,
    app_key: String,
    timestamp: String,
    nonce: String,
    body: String,
    body_digest: String,
    string_to_sign: String,
    signature: String,
    authorization: String,
}

fn cases() -> Vec<Case> {
    let doc: Value = serde_json::from_str(OPEN_BODY_SIG).expect("vector file is JSON");
    let field = |case: &Value, name: &str| case[name].as_str().unwrap_or_else(|| panic!("{name}")).to_owned();
    let cases: Vec<Case> = doc["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| Case {
            name: field(c, "name"),
            app_id: field(c, "appId"),
            app_key: field(c, "appKey"),
            timestamp: field(c, "timestamp"),
            nonce: field(c, "nonce"),
            body: field(c, "body"),
            body_digest: field(c, "bodyDigest"),
            string_to_sign: field(c, "stringToSign"),
            signature: field(c, "signature"),
            authorization: field(c, "authorization"),
        })
        .collect();
    assert!(cases.len() >= 9, "expected the nine shared cases, found {}", cases.len());
    cases
}

#[test]
fn copies_match_the_shared_originals() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vectors");
    if !shared.is_dir() {
        eprintln!("../shared/vectors is not present here; testing the committed copies only");
        return;
    }
    for name in ["open-body-sig.json", "access-token.json", "notify.json", "open-form-param.json"] {
        let original = std::fs::read(shared.join(name)).expect("shared vector");
        let copy = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors").join(name))
            .expect("copied vector");
        assert!(original == copy, "tests/vectors/{name} differs from ../shared/vectors/{name}");
    }
}

#[test]
fn every_stage_reproduces_every_vector() {
    for c in cases() {
        let key = AppKey::new(&c.app_key).unwrap();
        assert_eq!(body_digest(c.body.as_bytes()), c.body_digest, "{} digest", c.name);
        let sts = string_to_sign(&c.app_id, &c.timestamp, &c.nonce, &c.body_digest);
        assert_eq!(sts, c.string_to_sign, "{} string to sign", c.name);
        assert_eq!(signature(&key, &sts), c.signature, "{} signature", c.name);
        assert_eq!(
            authorization_header(&c.app_id, &c.timestamp, &c.nonce, &c.signature),
            c.authorization,
            "{} header",
            c.name
        );
    }
}

#[test]
fn the_signer_reproduces_every_vector() {
    for c in cases() {
        let signer = OpenBodySigner::new(&c.app_id, &AppKey::new(&c.app_key).unwrap()).unwrap();
        let out = signer.sign(c.body.as_bytes(), &c.timestamp, &c.nonce).unwrap();
        assert_eq!(out.authorization, c.authorization, "{}", c.name);
        assert_eq!(out.signature, c.signature, "{}", c.name);
        assert_eq!(out.body_digest, c.body_digest, "{}", c.name);
        assert_eq!((out.timestamp.as_str(), out.nonce.as_str()), (c.timestamp.as_str(), c.nonce.as_str()));
    }
}

#[test]
fn every_vector_header_parses_and_verifies() {
    for c in cases() {
        let parsed = Authorization::parse(&c.authorization).unwrap();
        assert_eq!(parsed.to_header_value(), c.authorization, "{}", c.name);
        assert_eq!(parsed.signature, c.signature);
        let now = BeijingTime::parse_compact(&c.timestamp).unwrap().to_epoch_ms() + 120_000;
        let key = AppKey::new(&c.app_key).unwrap();
        let verified = verify_open_body(&c.authorization, c.body.as_bytes(), &key, now, Tolerance::default())
            .unwrap_or_else(|e| panic!("{}: {e}", c.name));
        assert_eq!(verified.app_id, c.app_id);
        // The bare-comma form some clients send verifies too.
        let bare = c.authorization.replace("\", ", "\",");
        assert!(verify_open_body(&bare, c.body.as_bytes(), &key, now, Tolerance::default()).is_ok());
    }
}

#[test]
fn escaped_and_unescaped_bodies_are_different_bytes() {
    // V2/V2b and V4/V4b: the same JSON value written two ways signs differently, which is why
    // the library signs exactly the bytes it hands to the host.
    let by_name = |n: &str| cases().into_iter().find(|c| c.name.starts_with(n)).unwrap();
    assert_ne!(by_name("V2-").signature, by_name("V2b-").signature);
    assert_ne!(by_name("V4-").signature, by_name("V4b-").signature);
    assert_ne!(by_name("V5-").signature, by_name("V5b-").signature);
}
