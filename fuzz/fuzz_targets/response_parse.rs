//! preauth-cancel (bills) response parsing from arbitrary bytes.
//!
//! Beyond "never panics", it checks that a parsed response's normalized JSON (its `Serialize`)
//! is valid JSON
//! (serde_json agrees) with unique top-level names, that `ok` there means `errCode ==
//! "SUCCESS"`, that amounts come out as whole numbers (fen, at least 0), and that parsing the normalized JSON again
//! gives the same response fields.
#![no_main]

use chinaums_open::bills::BillsResponse;
use chinaums_open::json::{self, Json};
use chinaums_open::ErrorCode;
use libfuzzer_sys::fuzz_target;

fn is_amount(name: &str) -> bool {
    name.ends_with("Amount") || name.ends_with("Amt")
}

/// Every amount-named member at any depth is an integer or null.
fn amounts_are_integers(value: &Json, name: &str) {
    match value {
        Json::Object(members) => members.iter().for_each(|(k, v)| amounts_are_integers(v, k)),
        Json::Array(items) => items.iter().for_each(|v| amounts_are_integers(v, name)),
        Json::Number(number) if is_amount(name) => assert!(number.is_u64(), "{name} = {number} is not a whole number of fen"),
        Json::String(text) if is_amount(name) => panic!("{name} = {text:?} left as a string"),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else { return };
    match BillsResponse::parse(text) {
        Ok(response) => {
            let normalized = serde_json::to_string(&response).expect("a response serializes");
            serde_json::from_str::<serde_json::Value>(&normalized).expect("normalized JSON is JSON");
            let Ok(Json::Object(members)) = json::parse(&normalized) else {
                panic!("normalized JSON is not an object")
            };
            let mut names: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
            names.sort_unstable();
            let count = names.len();
            names.dedup();
            assert_eq!(names.len(), count, "duplicate top-level names in {normalized}");
            let ok = members.iter().find(|(k, _)| k == "ok").map(|(_, v)| v.clone());
            assert_eq!(ok, Some(Json::Bool(response.err_code == "SUCCESS")));
            if let Some(payment) = &response.bill_payment {
                amounts_are_integers(payment, "billPayment");
            }
            let again = BillsResponse::parse(&normalized).expect("normalized JSON parses");
            assert_eq!(
                (&again.err_code, &again.err_msg, &again.bill_status, &again.bill_payment, again.ok),
                (&response.err_code, &response.err_msg, &response.bill_status, &response.bill_payment, response.ok)
            );
        }
        Err(err) => assert!(
            matches!(err.code(), ErrorCode::InvalidJson | ErrorCode::InvalidResponse | ErrorCode::DuplicateField | ErrorCode::BodyEncoding),
            "{err:?}"
        ),
    }
});
