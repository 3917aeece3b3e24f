//! The strict JSON reader and the exact writer, differentially against serde_json.
//!
//! * We accept a document exactly when serde_json does, except for what we reject on purpose:
//!   nesting deeper than `MAX_DEPTH` and lone surrogate escapes (serde_json also rejects those,
//!   so only the depth limit may differ).
//! * Accepted documents have the same structure, strings and number texts as serde_json's
//!   reading (with its `arbitrary_precision` feature, which also keeps number texts).
//! * Writing what we read and reading it again gives the same value; every string is written
//!   exactly as serde_json writes it (that is, as JavaScript's JSON.stringify does).
#![no_main]

use chinaums_open::json::{self, Value};
use chinaums_open::ErrorCode;
use libfuzzer_sys::fuzz_target;

/// serde_json writes the exponent marker as `e` with an explicit sign; otherwise it keeps the
/// digits as written.
fn exponent_spelled_like_serde(number: &str) -> String {
    match number.split_once(['e', 'E']) {
        Some((mantissa, exponent)) if exponent.starts_with(['+', '-']) => format!("{mantissa}e{exponent}"),
        Some((mantissa, exponent)) => format!("{mantissa}e+{exponent}"),
        None => number.to_owned(),
    }
}

fn same(ours: &Value, theirs: &serde_json::Value) -> bool {
    match (ours, theirs) {
        (Value::Null, serde_json::Value::Null) => true,
        (Value::Bool(a), serde_json::Value::Bool(b)) => a == b,
        (Value::Number(a), serde_json::Value::Number(b)) => exponent_spelled_like_serde(a) == b.to_string(),
        (Value::String(a), serde_json::Value::String(b)) => a == b,
        (Value::Array(a), serde_json::Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(members), serde_json::Value::Object(map)) => {
            // serde_json keeps the last of repeated names, as JSON.parse does.
            let mut last: Vec<(&str, &Value)> = Vec::new();
            for (k, v) in members {
                match last.iter_mut().find(|(name, _)| name == k) {
                    Some(slot) => slot.1 = v,
                    None => last.push((k, v)),
                }
            }
            last.len() == map.len() && last.iter().all(|(k, v)| map.get(*k).is_some_and(|t| same(v, t)))
        }
        _ => false,
    }
}

fn strings_write_like_serde(value: &Value) {
    match value {
        Value::String(s) => {
            let mut ours = String::new();
            json::write_string(&mut ours, s);
            assert_eq!(ours, serde_json::to_string(s).expect("a string serializes"));
        }
        Value::Array(items) => items.iter().for_each(strings_write_like_serde),
        Value::Object(members) => members.iter().for_each(|(k, v)| {
            strings_write_like_serde(&Value::String(k.clone()));
            strings_write_like_serde(v);
        }),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let ours = json::parse_bytes(data);
    let theirs = serde_json::from_slice::<serde_json::Value>(data);
    match (&ours, &theirs) {
        (Ok(value), Ok(reference)) => {
            assert!(same(value, reference), "{value:?} vs {reference:?}");
            let mut written = String::new();
            json::write_value(&mut written, value);
            assert_eq!(&json::parse(&written).expect("our output parses"), value);
            strings_write_like_serde(value);
        }
        (Ok(value), Err(err)) => panic!("accepted {value:?}, which serde_json rejects: {err}"),
        (Err(err), Ok(_)) => assert!(
            err.code() == ErrorCode::InvalidJson && err.message().contains("nesting deeper"),
            "rejected what serde_json accepts: {err:?}"
        ),
        (Err(err), Err(_)) => {
            assert!(matches!(err.code(), ErrorCode::InvalidJson | ErrorCode::BodyEncoding), "{err:?}")
        }
    }
});
