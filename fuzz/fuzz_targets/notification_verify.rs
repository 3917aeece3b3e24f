//! Notification (callback) reading and verification from arbitrary bytes, as a raw form body and
//! as a JSON object of decoded parameters.
//!
//! Beyond "never panics", it checks that:
//! * verification says yes exactly when the `sign` received equals (as hex, in either case)
//!   the one computed for the parameters, so the two can never disagree;
//! * a form body signed here and sent back verifies, and verifies no more once any one byte of
//!   a parameter value changes;
//! * the normalized fields are valid JSON (serde_json agrees);
//! * neither the string to sign nor any error message contains the communication key.
#![no_main]

use chinaums_open::json::Json;
use chinaums_open::notify::{
    sign_notification, verify_notification, verify_notification_form, CommunicationKey, NotifyParams, SignType,
};
use libfuzzer_sys::fuzz_target;

const KEY: &str = "fictional0communication0key00001";

fn check(params: &NotifyParams, key: &CommunicationKey, no_key: &dyn Fn(&str)) {
    let computed = sign_notification(params, key, None);
    let claimed_matches = match (params.get("sign"), &computed) {
        (Some(Json::String(claimed)), Ok(sign)) => sign.eq_ignore_ascii_case(claimed),
        _ => false,
    };
    assert_eq!(verify_notification(params, key, SignType::Md5), claimed_matches);
    match params.string_to_sign() {
        Ok(text) => no_key(&text),
        Err(err) => no_key(err.message()),
    }
    if let Err(err) = &computed {
        no_key(err.message());
    }
    match params.to_json() {
        Ok(json) => {
            serde_json::from_str::<serde_json::Value>(&json).expect("normalized fields are JSON");
        }
        Err(err) => no_key(err.message()),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else { return };
    let key = CommunicationKey::new(KEY).expect("a non-empty key");
    let key_may_echo = text.contains(KEY);
    let no_key = |message: &str| assert!(key_may_echo || !message.contains(KEY), "key in {message:?}");

    match NotifyParams::from_form(text) {
        Ok(params) => {
            check(&params, &key, &no_key);
            // Signed here, appended, sent back: it verifies; one changed value byte breaks it.
            let unsigned = params.get("sign").is_none();
            if let (true, Ok(sign)) = (unsigned, sign_notification(&params, &key, None)) {
                let body = format!("{text}&sign={sign}");
                assert!(verify_notification_form(&body, &key, SignType::Md5), "{body}");
                if let Some(at) = text.find('=').map(|i| i + 1).filter(|&i| i < text.len()) {
                    let mut bytes = body.clone().into_bytes();
                    let original = bytes[at];
                    // Printable ASCII that decodes to a different character ('%' and '+' are
                    // form syntax, '&' and '=' split the body: all avoided).
                    let changed = if original == b'x' { b'y' } else { b'x' };
                    if !matches!(original, b'%' | b'+' | b'&' | b'=') {
                        bytes[at] = changed;
                        if let Ok(tampered) = String::from_utf8(bytes) {
                            assert!(!verify_notification_form(&tampered, &key, SignType::Md5), "{tampered}");
                        }
                    }
                }
            }
        }
        Err(err) => no_key(err.message()),
    }
    match NotifyParams::from_json(text) {
        Ok(params) => check(&params, &key, &no_key),
        Err(err) => no_key(err.message()),
    }
});
