//! The Authorization header parser and the verifier, from arbitrary bytes.
//!
//! Input: the header text (lossily decoded) up to the first `\n`, then the body bytes.
//! Beyond "never panics", it checks:
//! * a header that parses formats back to its canonical form, which parses to the same value;
//! * signing the body with the parsed parameters verifies, and a one-byte change of the body
//!   does not;
//! * the fuzzed header verifies exactly when its Signature is the real one;
//! * verification at any clock and tolerance returns an error, never a panic;
//! * no error message contains the key.
#![no_main]

use chinaums_open::open_body_sig::{verify_open_body, AppKey, Authorization, OpenBodySigner, Tolerance};
use chinaums_open::time::BeijingTime;
use chinaums_open::ErrorCode;
use libfuzzer_sys::fuzz_target;

const KEY: &str = "fictional0app0key0for0tests00001";

fn split_input(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(at) => (data.get(..at).unwrap_or_default(), data.get(at + 1..).unwrap_or_default()),
        None => (data, &[]),
    }
}

fuzz_target!(|data: &[u8]| {
    let (header_bytes, body) = split_input(data);
    let header = String::from_utf8_lossy(header_bytes);
    let key = AppKey::new(KEY).expect("a non-empty key");
    let key_may_echo = header.contains(KEY);
    let no_key = |message: &str| assert!(key_may_echo || !message.contains(KEY), "key in message: {message}");

    match Authorization::parse(&header) {
        Ok(auth) => {
            let canonical = auth.to_header_value();
            assert_eq!(Authorization::parse(&canonical).expect("the canonical form parses"), auth);

            let signer = OpenBodySigner::new(&auth.app_id, &key).expect("a parsed AppId is signable");
            let signed = signer.sign(body, &auth.timestamp, &auth.nonce).expect("parsed parameters are signable");
            let signed_at = BeijingTime::parse_compact(&auth.timestamp).expect("a parsed timestamp").to_epoch_ms();
            let verified = verify_open_body(&signed.authorization, body, &key, signed_at, Tolerance::default())
                .expect("our own signature verifies");
            assert_eq!((verified.app_id, verified.timestamp, verified.nonce), (auth.app_id.clone(), auth.timestamp.clone(), auth.nonce.clone()));

            let mut changed = body.to_vec();
            match changed.first_mut() {
                Some(first) => *first ^= 0x01,
                None => changed.push(b' '),
            }
            let err = verify_open_body(&signed.authorization, &changed, &key, signed_at, Tolerance::default())
                .expect_err("a changed body must not verify");
            assert_eq!(err.code(), ErrorCode::SignatureMismatch);
            no_key(err.message());

            let outcome = verify_open_body(&header, body, &key, signed_at, Tolerance::default());
            assert_eq!(outcome.is_ok(), auth.signature == signed.signature, "{outcome:?}");
            if let Err(err) = outcome {
                assert!(matches!(err.code(), ErrorCode::SignatureMismatch | ErrorCode::AuthHeader), "{err:?}");
                no_key(err.message());
            }
        }
        Err(err) => {
            assert!(matches!(err.code(), ErrorCode::AuthHeader | ErrorCode::HeaderTooLarge), "{err:?}");
            assert_eq!(err.field(), Some("authorization"));
            no_key(err.message());
            let verify_err = verify_open_body(&header, body, &key, 0, Tolerance::default()).expect_err("unparsable");
            assert_eq!(verify_err.code(), err.code());
        }
    }

    for now in [i64::MIN, -1, 0, 1_735_758_245_000, i64::MAX] {
        for tolerance in [Tolerance::millis(0), Tolerance::default(), Tolerance::millis(u64::MAX)] {
            if let Err(err) = verify_open_body(&header, body, &key, now, tolerance) {
                no_key(err.message());
            }
        }
    }
});
