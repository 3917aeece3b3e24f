//! The JSON reader (serde_json with a duplicate-refusing visitor), differentially against plain
//! serde_json.
//!
//! * We accept a document exactly when serde_json does, except for what we refuse on purpose:
//!   repeated member names (at any depth) and numbers out of range of the library's `Number`.
//! * Accepted documents have the same structure, strings and numbers as serde_json's reading.
//! * Nesting: a document serde_json reads (its own limit off) is refused as `TooDeep` exactly
//!   when it nests deeper than `json::MAX_DEPTH`; `check_depth` alone says the same.
//! * Writing what we read (`Json`'s `Serialize`) and reading it again gives the same value;
//!   a fractional number may come back one unit in the last place off, as serde_json (without
//!   its `float_roundtrip` feature) parses floats. Amounts and signed bodies never take that
//!   path: amounts are integers, and bodies passed through keep their number text (`Exact`).
#![no_main]

use chinaums_open::json::{self, Json, JsonError};
use libfuzzer_sys::fuzz_target;

fn same(ours: &Json, theirs: &serde_json::Value) -> bool {
    match (ours, theirs) {
        (Json::Null, serde_json::Value::Null) => true,
        (Json::Bool(a), serde_json::Value::Bool(b)) => a == b,
        (Json::Number(a), serde_json::Value::Number(b)) => a == b,
        (Json::String(a), serde_json::Value::String(b)) => a == b,
        (Json::Array(a), serde_json::Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
        // Our members are unique, so serde_json's map (last of repeated names) holds them all.
        (Json::Object(members), serde_json::Value::Object(map)) => {
            members.len() == map.len() && members.iter().all(|(k, v)| map.get(k).is_some_and(|t| same(v, t)))
        }
        _ => false,
    }
}

/// Equal, except that floats may differ in their last bits.
fn same_but_float_rounding(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) if x.is_f64() || y.is_f64() => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y || (x - y).abs() <= x.abs().max(y.abs()) * 4.0 * f64::EPSILON,
            _ => false,
        },
        (Json::Array(a), Json::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_but_float_rounding(x, y)),
        (Json::Object(a), Json::Object(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|((k, x), (l, y))| k == l && same_but_float_rounding(x, y))
        }
        _ => a == b,
    }
}

/// Levels of arrays and objects inside each other.
fn depth(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        serde_json::Value::Object(members) => 1 + members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else { return };
    let ours = json::parse(text);
    let mut reader = serde_json::Deserializer::from_str(text);
    reader.disable_recursion_limit();
    let theirs = serde::Deserialize::deserialize(&mut reader).and_then(|v: serde_json::Value| reader.end().map(|()| v));
    if let Ok(reference) = &theirs {
        let too_deep = depth(reference) > json::MAX_DEPTH;
        assert_eq!(matches!(ours, Err(JsonError::TooDeep(_))), too_deep, "depth {} read as {ours:?}", depth(reference));
        assert_eq!(json::check_depth(text).is_err(), too_deep);
        if too_deep {
            return;
        }
    }
    match (&ours, &theirs) {
        (Ok(value), Ok(reference)) => {
            assert!(same(value, reference), "{value:?} vs {reference:?}");
            let written = serde_json::to_string(value).expect("a Json value serializes");
            let again = json::parse(&written).expect("our output parses");
            assert!(same_but_float_rounding(&again, value), "{again:?} vs {value:?}");
        }
        (Ok(value), Err(err)) => panic!("accepted {value:?}, which serde_json rejects: {err}"),
        (Err(err), Ok(_)) => assert!(matches!(err, JsonError::Duplicate(_) | JsonError::OutOfRange(_)), "rejected what serde_json accepts: {err:?}"),
        // A document serde_json cannot read may still be refused first for its depth.
        (Err(_), Err(_)) => {}
    }
});
