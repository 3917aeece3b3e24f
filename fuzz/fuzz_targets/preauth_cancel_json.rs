//! Validation and building of every bills endpoint's body from arbitrary bytes (the target kept
//! its first endpoint's name, so that its corpus and dictionary stay where they were).
//!
//! Beyond "never panics", it checks, for every endpoint and several option sets:
//! * validation reports at most `MAX_ISSUES` issues, each with a message;
//! * building succeeds exactly when validation "as the builder will use it"
//!   (`apply_defaults`) finds nothing;
//! * a built body is valid JSON (serde_json agrees), validates cleanly, and building it again
//!   gives the same bytes (the serialization is a fixed point);
//! * bytes that are not UTF-8 are an encoding error, not a JSON error;
//! * `request::build_at` with the endpoint's path builds the same bytes as its table;
//! * nesting beyond `json::MAX_DEPTH` (in any member, kept or not) is never recursed into, and
//!   `TooDeep` is reported only for it.
#![no_main]

use chinaums_open::bills::{validate_json, CheckOptions, ENDPOINTS, MAX_ISSUES};
use chinaums_open::http::TEST_BASE_URL;
use chinaums_open::request::{build_at, build_request, BuildOptions};
use chinaums_open::{json, ErrorCode};
use libfuzzer_sys::fuzz_target;

/// 2025-01-02 03:04:05 Beijing.
const NOW_MS: i64 = 1_735_758_245_000;

fn option_sets() -> [CheckOptions; 4] {
    [
        CheckOptions::default(),
        CheckOptions { allow_unknown_fields: true, ..CheckOptions::default() },
        CheckOptions { msg_src_id: Some("3194".to_owned()), ..CheckOptions::default() },
        CheckOptions { msg_src_id: Some("bad id".to_owned()), allow_unknown_fields: true, ..CheckOptions::default() },
    ]
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = core::str::from_utf8(data) else {
        assert_eq!(json::utf8(data, "body", "the body").expect_err("not UTF-8").code(), ErrorCode::BodyEncoding);
        return;
    };
    let too_deep = json::check_depth(input).is_err();
    for endpoint in ENDPOINTS {
    let validate = |text: &str, check: &CheckOptions| validate_json(endpoint, text, check);
    let build = |text: &str, options: &BuildOptions| build_request(endpoint, text, options);
    for check in option_sets() {
        let strict = validate(input, &check);
        assert!(strict.len() <= MAX_ISSUES);
        assert!(strict.iter().all(|issue| !issue.message.is_empty()));

        let as_built = CheckOptions { apply_defaults: true, ..check.clone() };
        let issues = validate(input, &as_built);
        let options = BuildOptions { check: check.clone(), ..BuildOptions::new(TEST_BASE_URL, NOW_MS) };
        match build(input, &options) {
            Ok(request) => {
                assert!(issues.is_empty(), "built, but validation found {issues:?}");
                serde_json::from_str::<serde_json::Value>(&request.body).expect("the body is JSON");
                assert!(validate(&request.body, &check).is_empty(), "the built body does not validate");
                let again = build(&request.body, &options).expect("the built body builds");
                assert_eq!(again.body, request.body, "building is not a fixed point");
                assert_eq!(build_at(endpoint.path, input, &options).expect("the same input builds by path").body, request.body);
            }
            Err(err) => {
                // Depth is only ever reported for text that nests too deep.
                assert!(too_deep || issues.iter().all(|i| i.code != ErrorCode::TooDeep), "{issues:?}");
                assert!(!issues.is_empty(), "build failed ({err:?}) but validation found nothing");
                assert!(!err.message().is_empty());
                assert_eq!(err.code(), issues.first().map(|i| i.code).unwrap_or(err.code()));
            }
        }
    }
    }
});
