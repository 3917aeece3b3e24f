//! The preauth lifecycle beyond the void: capture (`bills/preauthed`), capture reversal
//! (`bills/preauthed-cancel`) and `bills/query`, plus the generic builder for any other bills
//! endpoint. Each builder rejects bad input with field-level errors.
// Test helpers outside #[test] functions may assert with unwrap and indexing too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use chinaums_open::bills::{
    endpoint_named, validate_json, BillsBody, BillsResponse, CheckOptions, Endpoint, BILLS_QUERY, PREAUTHED, PREAUTHED_CANCEL,
    PREAUTH_CANCEL,
};
use chinaums_open::generic_request;
use chinaums_open::http::TEST_BASE_URL;
use chinaums_open::request::{build_request, BuildOptions};
use chinaums_open::ErrorCode;
use serde_json::{json, Map, Value};

/// 2025-01-02 03:04:05 Beijing.
const TS_MS: i64 = 1_735_758_245_000;

const CAPTURE: &str = r#"{"requestTimestamp":"2025-01-02 03:04:05","mid":"898201612345678","tid":"88880001","instMid":"QRPAYDEFAULT","billNo":"3194202501020304050001","billDate":"2025-01-02","authedOrderId":"31942025010203040500011","authIdRespCd":"000665","totalAmount":"2100"}"#;
const CAPTURE_CANCEL: &str = r#"{"requestTimestamp":"2025-01-02 03:04:05","mid":"898201612345678","tid":"88880001","instMid":"QRPAYDEFAULT","merOrderId":"31942025010203040500011"}"#;
const QUERY: &str = r#"{"requestTimestamp":"2025-01-02 03:04:05","mid":"898201612345678","tid":"88880001","instMid":"QRPAYDEFAULT","billNo":"3194202501020304050001","billDate":"2025-01-02"}"#;

fn options() -> BuildOptions {
    BuildOptions::new(TEST_BASE_URL, TS_MS)
}

fn object(text: &str) -> Map<String, Value> {
    serde_json::from_str(text).unwrap()
}

fn with(base: &str, field: &str, value: Value) -> String {
    let mut input = object(base);
    input.insert(field.to_owned(), value);
    Value::Object(input).to_string()
}

fn without(base: &str, field: &str) -> String {
    let mut input = object(base);
    input.remove(field);
    Value::Object(input).to_string()
}

/// (code, field) of every issue.
fn issues(endpoint: &'static Endpoint, input: &str) -> Vec<(ErrorCode, String)> {
    validate_json(endpoint, input, &CheckOptions::default())
        .into_iter()
        .map(|i| (i.code, i.field.unwrap_or_default()))
        .collect()
}

fn only(endpoint: &'static Endpoint, input: &str) -> (ErrorCode, String) {
    let found = issues(endpoint, input);
    assert_eq!(found.len(), 1, "expected one issue for {input}: {found:?}");
    found[0].clone()
}

#[test]
fn valid_requests_build_byte_for_byte_at_their_paths() {
    for (endpoint, body, path) in [
        (&PREAUTHED, CAPTURE, "/v1/netpay/bills/preauthed"),
        (&PREAUTHED_CANCEL, CAPTURE_CANCEL, "/v1/netpay/bills/preauthed-cancel"),
        (&BILLS_QUERY, QUERY, "/v1/netpay/bills/query"),
    ] {
        assert!(issues(endpoint, body).is_empty(), "{}", endpoint.name);
        let request = build_request(endpoint, body, &options()).unwrap();
        assert_eq!(request.body, body);
        assert_eq!(request.url, format!("{TEST_BASE_URL}{path}"));
        assert_eq!(endpoint_named(endpoint.name).unwrap().path, path);
    }
    assert_eq!(endpoint_named("preauth-cancel").unwrap(), &PREAUTH_CANCEL);
    let err = endpoint_named("refund-query").unwrap_err();
    assert_eq!(err.field(), Some("endpoint"));
    assert!(err.message().contains("buildRequest"));
}

#[test]
fn defaults_are_filled_and_fields_written_in_table_order() {
    let mut input = object(CAPTURE);
    input.remove("requestTimestamp");
    input.remove("instMid");
    input.insert("srcReserve".into(), json!(""));
    input.insert("authedDesc".into(), json!("部分完成"));
    let reversed: Vec<String> = input.iter().rev().map(|(k, v)| format!("{}:{v}", json!(k))).collect();
    let body = build_request(&PREAUTHED, &format!("{{{}}}", reversed.join(",")), &options()).unwrap().body;
    assert_eq!(body, CAPTURE.trim_end_matches('}').to_owned() + r#","authedDesc":"部分完成","srcReserve":""}"#);
}

#[test]
fn every_required_field_of_each_endpoint_is_reported() {
    for (endpoint, body, required) in [
        (&PREAUTHED, CAPTURE, &["requestTimestamp", "mid", "tid", "instMid", "billNo", "billDate", "authedOrderId", "authIdRespCd", "totalAmount"][..]),
        (&PREAUTHED_CANCEL, CAPTURE_CANCEL, &["requestTimestamp", "mid", "tid", "instMid", "merOrderId"][..]),
        (&BILLS_QUERY, QUERY, &["requestTimestamp", "mid", "tid", "instMid", "billNo", "billDate"][..]),
    ] {
        for field in required {
            assert_eq!(only(endpoint, &without(body, field)), (ErrorCode::FieldRequired, (*field).to_owned()), "{} {field}", endpoint.name);
            assert_eq!(only(endpoint, &with(body, field, json!(""))), (ErrorCode::FieldRequired, (*field).to_owned()));
        }
        let all: Vec<String> = issues(endpoint, "{}").into_iter().map(|(_, f)| f).collect();
        assert_eq!(all, required, "{}", endpoint.name);
    }
}

#[test]
fn capture_amounts_are_positive_fen_as_string_or_integer_and_written_as_given() {
    let number = build_request(&PREAUTHED, &with(CAPTURE, "totalAmount", json!(2100)), &options()).unwrap().body;
    assert!(number.ends_with(r#""totalAmount":2100}"#), "{number}");
    let raw = CAPTURE.replace(r#""2100""#, "9007199254740991");
    assert!(build_request(&PREAUTHED, &raw, &options()).unwrap().body.contains(r#""totalAmount":9007199254740991}"#));
    for bad in [json!("0"), json!(0), json!(-1), json!("-1"), json!("21.00"), json!("1e3"), json!("0100"), json!("abc"), json!(" 1"), json!("9007199254740992")] {
        assert_eq!(only(&PREAUTHED, &with(CAPTURE, "totalAmount", bad.clone())), (ErrorCode::FieldFormat, "totalAmount".into()), "{bad}");
    }
    // Numbers that are not plain integers are refused as written (serde would normalize them).
    for raw in ["1.5", "2100.0", "21e2", "-5"] {
        let input = CAPTURE.replace(r#""2100""#, raw);
        assert_eq!(only(&PREAUTHED, &input), (ErrorCode::FieldFormat, "totalAmount".into()), "{raw}");
    }
    for bad in [json!(true), json!(null), json!([100]), json!({"fen": 100})] {
        assert_eq!(only(&PREAUTHED, &with(CAPTURE, "totalAmount", bad.clone())), (ErrorCode::FieldType, "totalAmount".into()), "{bad}");
    }
    // Other fields stay strings only.
    assert_eq!(only(&PREAUTHED, &with(CAPTURE, "mid", json!(898201612345678u64))), (ErrorCode::FieldType, "mid".into()));
}

#[test]
fn lengths_formats_prefixes_and_typos_are_field_level() {
    assert_eq!(only(&PREAUTHED, &with(CAPTURE, "authedOrderId", json!("3".repeat(33)))), (ErrorCode::FieldLength, "authedOrderId".into()));
    assert_eq!(only(&PREAUTHED, &with(CAPTURE, "billDate", json!("2025-02-30"))), (ErrorCode::FieldFormat, "billDate".into()));
    assert_eq!(only(&PREAUTHED, &with(CAPTURE, "billNo", json!("3".repeat(32)))), (ErrorCode::FieldLength, "billNo".into()));
    assert_eq!(only(&BILLS_QUERY, &with(QUERY, "refundOrderId", json!("3".repeat(33)))), (ErrorCode::FieldLength, "refundOrderId".into()));
    assert_eq!(only(&PREAUTHED_CANCEL, &with(CAPTURE_CANCEL, "billDate", json!("2025/01/02"))), (ErrorCode::FieldFormat, "billDate".into()));

    let typo = validate_json(&PREAUTHED, &with(CAPTURE, "authedOrderID", json!("x")), &CheckOptions::default());
    assert_eq!((typo[0].code, typo[0].field.as_deref()), (ErrorCode::UnknownField, Some("authedOrderID")));
    assert!(typo[0].message.contains("did you mean authedOrderId"), "{}", typo[0].message);

    let prefixed = CheckOptions { msg_src_id: Some("3194".into()), ..CheckOptions::default() };
    assert!(validate_json(&PREAUTHED, CAPTURE, &prefixed).is_empty());
    let found = validate_json(&PREAUTHED, &with(CAPTURE, "authedOrderId", json!("1017X")), &prefixed);
    assert_eq!((found[0].code, found[0].field.as_deref()), (ErrorCode::FieldPrefix, Some("authedOrderId")));
    let found = validate_json(&BILLS_QUERY, &with(QUERY, "authedOrderId", json!("1017X")), &prefixed);
    assert_eq!((found[0].code, found[0].field.as_deref()), (ErrorCode::FieldPrefix, Some("authedOrderId")));
    let found = validate_json(&PREAUTHED_CANCEL, &with(CAPTURE_CANCEL, "merOrderId", json!("1017X")), &prefixed);
    assert_eq!((found[0].code, found[0].field.as_deref()), (ErrorCode::FieldPrefix, Some("merOrderId")));

    // Several problems are all reported at once, in table order.
    let many = issues(&PREAUTHED, r#"{"mid":"1","tid":"2","billNo":"3","billDate":"x","authedOrderId":"4","authIdRespCd":"5","totalAmount":0}"#);
    assert_eq!(many, [(ErrorCode::FieldRequired, "requestTimestamp".into()), (ErrorCode::FieldRequired, "instMid".into()), (ErrorCode::FieldFormat, "billDate".into()), (ErrorCode::FieldFormat, "totalAmount".into())]);
}

#[test]
fn capture_reversal_keeps_the_samples_empty_optional_fields() {
    let sample_style = with(&with(&with(CAPTURE_CANCEL, "billNo", json!("")), "billDate", json!("")), "authIdRespCd", json!(""));
    assert!(issues(&PREAUTHED_CANCEL, &sample_style).is_empty());
    let body = build_request(&PREAUTHED_CANCEL, &sample_style, &options()).unwrap().body;
    assert_eq!(
        body,
        r#"{"requestTimestamp":"2025-01-02 03:04:05","mid":"898201612345678","tid":"88880001","instMid":"QRPAYDEFAULT","billNo":"","billDate":"","merOrderId":"31942025010203040500011","authIdRespCd":""}"#
    );
}

#[test]
fn query_look_ups_by_refund_or_completion_id() {
    let refund = build_request(&BILLS_QUERY, &with(QUERY, "refundOrderId", json!("3194R0001")), &options()).unwrap().body;
    assert!(refund.ends_with(r#""billDate":"2025-01-02","refundOrderId":"3194R0001"}"#), "{refund}");
    let completion = build_request(&BILLS_QUERY, &with(QUERY, "authedOrderId", json!("3194C0001")), &options()).unwrap().body;
    assert!(completion.ends_with(r#""billDate":"2025-01-02","authedOrderId":"3194C0001"}"#), "{completion}");
    let response = BillsResponse::parse(
        r#"{"errCode":"SUCCESS","billStatus":"REFUND","refundBillPayment":"{\"refundOrderId\":\"3194R0001\",\"refundAmount\":\"50\"}"}"#,
    )
    .unwrap();
    assert_eq!(response.get("refundBillPayment").unwrap().get("refundAmount"), Some(&chinaums_open::json::Json::Number(50.into())));
}

/// A body for `table` with these fields set as strings.
fn body_of(table: &'static Endpoint, fields: &[(&str, &str)]) -> BillsBody {
    let mut body = BillsBody::new(table);
    for (name, value) in fields {
        assert!(body.set(name, *value), "{name}");
    }
    body
}

const COMMON: [(&str, &str); 4] = [("requestTimestamp", "2025-01-02 03:04:05"), ("mid", "898201612345678"), ("tid", "88880001"), ("instMid", "QRPAYDEFAULT")];

#[test]
fn bodies_set_field_by_field_are_written_in_table_order() {
    let bill = [("billNo", "3194202501020304050001"), ("billDate", "2025-01-02")];
    let capture = body_of(&PREAUTHED, &[&COMMON[..], &bill, &[("totalAmount", "2100"), ("authIdRespCd", "000665"), ("authedOrderId", "31942025010203040500011")]].concat());
    assert!(capture.check(&CheckOptions::default()).is_empty());
    assert_eq!(capture.to_json().unwrap(), CAPTURE);
    let mut numeric = capture.clone();
    assert!(numeric.set_number("totalAmount", "2100"));
    assert!(!numeric.set_number("mid", "1"), "only amount fields take numbers");
    assert!(numeric.to_json().unwrap().ends_with(r#""totalAmount":2100}"#));

    let reversal = body_of(&PREAUTHED_CANCEL, &[&COMMON[..], &[("merOrderId", "31942025010203040500011")]].concat());
    assert_eq!(reversal.to_json().unwrap(), CAPTURE_CANCEL);
    let query = body_of(&BILLS_QUERY, &[&COMMON[..], &bill].concat());
    assert_eq!(query.to_json().unwrap(), QUERY);
    assert_eq!(BillsBody::new(&BILLS_QUERY).check(&CheckOptions::default()).len(), 6);
}

#[test]
fn the_generic_builder_signs_what_it_is_given() {
    let request = generic_request::build_any_request(
        "refund",
        r#"{"mid":"898201612345678","billNo":"3194A1","billDate":"2025-01-02","refundAmount":"50","platformAmount":0}"#,
        &options(),
    )
    .unwrap();
    assert_eq!(request.url, "https://test-api-open.chinaums.com/v1/netpay/bills/refund");
    assert_eq!(
        request.body,
        r#"{"requestTimestamp":"2025-01-02 03:04:05","mid":"898201612345678","billNo":"3194A1","billDate":"2025-01-02","refundAmount":"50","platformAmount":0}"#
    );
    assert_eq!(generic_request::build_any_request("../token", "{}", &options()).unwrap_err().field(), Some("path"));
}
