//! preauth-cancel: every validation rule of PROTOCOL.md part 0 rule 5, body serialization per
//! rule 6, and the builder.
// Test helpers outside #[test] functions may assert with unwrap and indexing too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use chinaums_open::bills::{validate_json, BillsBody, CheckOptions, PREAUTH_CANCEL};
use chinaums_open::http::{HttpRequest, TEST_BASE_URL};
use chinaums_open::request::{build_request, BuildOptions};

fn validate(input: &str, options: &CheckOptions) -> Vec<chinaums_open::Issue> {
    validate_json(&PREAUTH_CANCEL, input, options)
}

fn build(input: &str, options: &BuildOptions) -> chinaums_open::Result<HttpRequest> {
    build_request(&PREAUTH_CANCEL, input, options)
}
use chinaums_open::{ErrorCode, Issue};
use serde_json::{json, Map, Value};

const V1_BODY: &str = r#"{"requestTimestamp":"2025-01-02 03:04:05","mid":"898201612345678","tid":"88880001","instMid":"QRPAYDEFAULT","billNo":"3194202501020304050001","billDate":"2025-01-02","merOrderId":"31942025010203040500010","authIdRespCd":"000665"}"#;
/// 2025-01-02 03:04:05 Beijing.
const V1_MS: i64 = 1_735_758_245_000;

fn v1() -> Map<String, Value> {
    serde_json::from_str(V1_BODY).unwrap()
}

fn with(field: &str, value: Value) -> String {
    let mut input = v1();
    input.insert(field.to_owned(), value);
    Value::Object(input).to_string()
}

fn without(field: &str) -> String {
    let mut input = v1();
    input.remove(field);
    Value::Object(input).to_string()
}

fn strict() -> CheckOptions {
    CheckOptions::default()
}

fn issues(input: &str) -> Vec<Issue> {
    validate(input, &strict())
}

fn only_issue(input: &str) -> (ErrorCode, Option<String>) {
    let found = issues(input);
    assert_eq!(found.len(), 1, "expected one issue for {input}, got {found:#?}");
    (found[0].code, found[0].field.clone())
}

fn build_options() -> BuildOptions {
    BuildOptions::new(TEST_BASE_URL, V1_MS)
}

#[test]
fn the_v1_body_is_valid_and_rebuilds_byte_for_byte() {
    assert!(issues(V1_BODY).is_empty());
    let request = build(V1_BODY, &build_options()).unwrap();
    assert_eq!(request.body, V1_BODY);
    assert_eq!(request.url, "https://test-api-open.chinaums.com/v1/netpay/bills/preauth-cancel");
    assert_eq!((request.method, request.content_type), ("POST", "application/json"));
}

#[test]
fn fields_are_written_in_table_order_whatever_the_input_order() {
    let mut entries: Vec<(String, Value)> = v1().into_iter().collect();
    entries.reverse();
    let reversed = format!(
        "{{{}}}",
        entries.iter().map(|(k, v)| format!("{}:{}", json!(k), v)).collect::<Vec<_>>().join(",")
    );
    assert_eq!(build(&reversed, &build_options()).unwrap().body, V1_BODY);
}

#[test]
fn v2_chinese_is_raw_utf8_and_matches_the_vector() {
    let input = with("srcReserve", json!("预授权撤销测试"));
    let body = build(&input, &build_options()).unwrap().body;
    assert_eq!(body, V1_BODY.trim_end_matches('}').to_owned() + r#","srcReserve":"预授权撤销测试"}"#);
    assert_eq!(body.len(), 266);
}

#[test]
fn builder_fills_request_timestamp_from_beijing_time_and_inst_mid() {
    let mut input = v1();
    input.remove("requestTimestamp");
    input.remove("instMid");
    let input = Value::Object(input).to_string();
    // 2025-01-01T16:00:00Z is already 2025-01-02 in Beijing.
    let options = BuildOptions { now_ms: 1_735_747_200_000, ..build_options() };
    let body: Value = serde_json::from_str(&build(&input, &options).unwrap().body).unwrap();
    assert_eq!(body["requestTimestamp"], "2025-01-02 00:00:00");
    assert_eq!(body["instMid"], "QRPAYDEFAULT");
    // Empty counts as absent for defaulted fields.
    let body = build(&with("requestTimestamp", json!("")), &options).unwrap().body;
    assert!(body.starts_with(r#"{"requestTimestamp":"2025-01-02 00:00:00""#));
    // A given timestamp is kept.
    let body = build(&with("requestTimestamp", json!("2024-12-31 23:59:59")), &options).unwrap().body;
    assert!(body.contains("2024-12-31 23:59:59"));
}

#[test]
fn every_required_field_is_reported_when_missing_or_empty() {
    for field in ["requestTimestamp", "mid", "tid", "instMid", "billNo", "billDate", "merOrderId", "authIdRespCd"] {
        assert_eq!(only_issue(&without(field)), (ErrorCode::FieldRequired, Some(field.to_owned())), "{field}");
        assert_eq!(only_issue(&with(field, json!(""))), (ErrorCode::FieldRequired, Some(field.to_owned())), "{field}");
    }
    let all = issues("{}");
    assert_eq!(all.len(), 8, "{all:#?}");
    assert!(all.iter().all(|i| i.code == ErrorCode::FieldRequired));
}

#[test]
fn defaulted_fields_may_be_absent_when_checking_as_the_builder() {
    let options = CheckOptions { apply_defaults: true, ..strict() };
    let mut input = v1();
    input.remove("requestTimestamp");
    input.remove("instMid");
    assert!(validate(&Value::Object(input).to_string(), &options).is_empty());
    let fields: Vec<_> = validate("{}", &options).into_iter().filter_map(|i| i.field).collect();
    assert_eq!(fields, ["mid", "tid", "billNo", "billDate", "merOrderId", "authIdRespCd"]);
}

#[test]
fn optional_fields_are_omitted_when_absent_and_kept_when_empty() {
    let body = build(V1_BODY, &build_options()).unwrap().body;
    assert!(!body.contains("msgId") && !body.contains("srcReserve"));
    let mut input = v1();
    input.insert("msgId".into(), json!(""));
    input.insert("srcReserve".into(), json!(""));
    let body = build(&Value::Object(input).to_string(), &build_options()).unwrap().body;
    assert!(body.ends_with(r#","authIdRespCd":"000665","msgId":"","srcReserve":""}"#), "{body}");
}

#[test]
fn maximum_lengths_come_from_the_seed_table_and_count_characters() {
    for (field, max) in [("mid", 32), ("tid", 32), ("billNo", 31), ("merOrderId", 32), ("authIdRespCd", 64), ("msgId", 64), ("srcReserve", 255)] {
        assert!(issues(&with(field, json!("9".repeat(max)))).is_empty(), "{field} at {max}");
        assert_eq!(only_issue(&with(field, json!("9".repeat(max + 1)))), (ErrorCode::FieldLength, Some(field.into())));
        // Characters, not bytes: 255 Chinese characters are 765 bytes and still fit.
        assert!(issues(&with(field, json!("测".repeat(max)))).is_empty(), "{field} in Chinese");
        assert!(issues(&with(field, json!("😀".repeat(max)))).is_empty(), "{field} in 4-byte characters");
    }
    let message = &issues(&with("billNo", json!("3".repeat(32))))[0].message;
    assert!(message.contains("32") && message.contains("31"), "{message}");
}

#[test]
fn dates_and_times_must_be_real_calendar_values() {
    for good in ["2024-02-29 23:59:59", "2025-01-02 00:00:00", "2000-02-29 12:00:00"] {
        assert!(issues(&with("requestTimestamp", json!(good))).is_empty(), "{good}");
    }
    for bad in [
        "2025-02-29 12:00:00", "2025-01-02 24:00:00", "2025-01-02 12:60:00", "2025-01-02 12:00:60",
        "2025-01-02T12:00:00", "20250102120000", "2025-01-02", "2025-1-2 1:2:3", " 2025-01-02 12:00:00",
        "2025-13-01 00:00:00", "2025-04-31 00:00:00",
    ] {
        assert_eq!(only_issue(&with("requestTimestamp", json!(bad))), (ErrorCode::FieldFormat, Some("requestTimestamp".into())), "{bad}");
    }
    for good in ["2024-02-29", "2025-12-31", "2025-01-01"] {
        assert!(issues(&with("billDate", json!(good))).is_empty(), "{good}");
    }
    for bad in ["2025-02-29", "1900-02-29", "2025-00-01", "2025-01-32", "2025/01/02", "20250102", "2025-01-02 00:00:00", "２０２５-01-02"] {
        assert_eq!(only_issue(&with("billDate", json!(bad))), (ErrorCode::FieldFormat, Some("billDate".into())), "{bad}");
    }
}

#[test]
fn every_field_must_be_a_json_string() {
    for field in ["requestTimestamp", "mid", "billNo", "msgId", "srcReserve"] {
        for value in [json!(898201612345678u64), json!(null), json!(true), json!(["a"]), json!({"a": "b"}), json!(1.5)] {
            assert_eq!(only_issue(&with(field, value.clone())), (ErrorCode::FieldType, Some(field.into())), "{field} = {value}");
        }
    }
    let message = &issues(&with("mid", json!(898201612345678u64)))[0].message;
    assert!(message.contains("\"898201612345678\""), "suggests the string form: {message}");
}

#[test]
fn unknown_fields_are_errors_with_a_hint_unless_allowed() {
    let input = with("billno", json!("x"));
    let found = issues(&input);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].code, found[0].field.as_deref()), (ErrorCode::UnknownField, Some("billno")));
    assert!(found[0].message.contains("did you mean billNo"), "{}", found[0].message);
    assert!(issues(&with("merOrderID", json!("x")))[0].message.contains("merOrderId"));
    assert!(issues(&with("billDat", json!("x")))[0].message.contains("billDate"));

    let allowed = CheckOptions { allow_unknown_fields: true, ..strict() };
    let input = with("newPlatformField", json!({"nested": [1, "二"]}));
    assert!(validate(&input, &allowed).is_empty());
    let options = BuildOptions { check: allowed, ..build_options() };
    let body = build(&input, &options).unwrap().body;
    assert!(body.ends_with(r#","authIdRespCd":"000665","newPlatformField":{"nested":[1,"二"]}}"#), "{body}");
}

#[test]
fn duplicate_members_are_reported() {
    let input = V1_BODY.replace(r#""tid":"88880001","#, r#""tid":"88880001","tid":"88880002","#);
    assert_eq!(only_issue(&input), (ErrorCode::DuplicateField, Some("tid".into())));
}

#[test]
fn msg_src_id_prefix_is_checked_on_bill_no_and_mer_order_id() {
    let options = |id: &str| CheckOptions { msg_src_id: Some(id.to_owned()), ..strict() };
    assert!(validate(V1_BODY, &options("3194")).is_empty());
    let found = validate(V1_BODY, &options("124F"));
    let fields: Vec<_> = found.iter().map(|i| (i.code, i.field.as_deref().unwrap())).collect();
    assert_eq!(fields, [(ErrorCode::FieldPrefix, "billNo"), (ErrorCode::FieldPrefix, "merOrderId")]);
    for bad in ["319", "31945", "31 4", "预授权撤"] {
        let found = validate(V1_BODY, &options(bad));
        assert_eq!(found.len(), 1, "{bad}");
        assert_eq!((found[0].code, found[0].field.as_deref()), (ErrorCode::FieldFormat, Some("msgSrcId")));
    }
}

#[test]
fn every_problem_is_reported_at_once() {
    let input = json!({
        "requestTimestamp": "2025-02-30 10:00:00",
        "mid": 123,
        "tid": "T".repeat(33),
        "billNo": "",
        "billDate": "2025/01/02",
        "merOrderId": "x",
        "authIdRespCd": "000665",
        "biilNo": "typo",
    });
    let found = issues(&input.to_string());
    let codes: Vec<_> = found.iter().map(|i| (i.code, i.field.as_deref().unwrap_or("-"))).collect();
    // Member problems come in document order (serde_json sorts keys), then field checks in
    // the platform table's order.
    assert_eq!(
        codes,
        [
            (ErrorCode::UnknownField, "biilNo"),
            (ErrorCode::FieldType, "mid"),
            (ErrorCode::FieldFormat, "requestTimestamp"),
            (ErrorCode::FieldLength, "tid"),
            (ErrorCode::FieldRequired, "instMid"),
            (ErrorCode::FieldRequired, "billNo"),
            (ErrorCode::FieldFormat, "billDate"),
        ]
    );
    let err = build(&input.to_string(), &build_options()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnknownField);
    assert_eq!(err.field(), Some("biilNo"));
    assert_eq!(err.issues().len(), 6, "instMid is filled by the builder: {:#?}", err.issues());
}

#[test]
fn inputs_that_are_not_json_objects() {
    assert_eq!(only_issue("[]"), (ErrorCode::FieldType, None));
    assert_eq!(only_issue("null"), (ErrorCode::FieldType, None));
    assert_eq!(only_issue("\"text\""), (ErrorCode::FieldType, None));
    assert_eq!(only_issue("{\"mid\":"), (ErrorCode::InvalidJson, None));
    assert_eq!(only_issue(r#"{"mid":"\ud800"}"#), (ErrorCode::BodyEncoding, None));
    let huge = format!("{{\"srcReserve\":\"{}\"}}", "a".repeat(1 << 20));
    assert_eq!(only_issue(&huge), (ErrorCode::BodyTooLarge, Some("input".to_owned())));
}

#[test]
fn the_input_cap_is_configurable_and_applies_to_the_built_body_too() {
    let capped = |max: usize| CheckOptions { max_body_bytes: Some(max), ..CheckOptions::default() };
    assert!(validate(V1_BODY, &capped(V1_BODY.len())).is_empty());
    let found = validate(V1_BODY, &capped(V1_BODY.len() - 1));
    assert_eq!((found[0].code, found[0].field.as_deref()), (ErrorCode::BodyTooLarge, Some("input")));
    // Without requestTimestamp and instMid the input fits, but the body the builder fills in
    // does not: that is reported on `body`, so it is never built unsignable under the same cap.
    let short = without("requestTimestamp");
    let options = BuildOptions { check: capped(short.len()), ..build_options() };
    let err = build(&short, &options).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::BodyTooLarge, Some("body")));
    let err = build(V1_BODY, &BuildOptions { check: capped(usize::MAX), ..build_options() }).unwrap_err();
    assert_eq!((err.code(), err.field()), (ErrorCode::FieldFormat, Some("maxBodyBytes")));
}

#[test]
fn hostile_inputs_produce_a_bounded_list_of_issues() {
    let many: String = (0..50_000).map(|i| format!("\"f{i}\":\"x\"")).collect::<Vec<_>>().join(",");
    let found = issues(&format!("{{{many}}}"));
    assert_eq!(found.len(), 100);
    assert!(found.last().unwrap().message.contains("more problems"));
}

#[test]
fn control_characters_and_quotes_are_escaped_like_json_stringify() {
    let input = with("srcReserve", json!("a\"b\\c\n\t\u{1}/<>&\u{2028}"));
    let body = build(&input, &build_options()).unwrap().body;
    assert!(body.ends_with(&(r#""srcReserve":"a\"b\\c\n\t\u0001/<>&"#.to_owned() + "\u{2028}\"}")), "{body}");
    let parsed: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(parsed["srcReserve"], "a\"b\\c\n\t\u{1}/<>&\u{2028}");
}

#[test]
fn a_body_set_in_any_order_serializes_like_the_json_path() {
    let mut body = BillsBody::new(&PREAUTH_CANCEL);
    for (name, value) in [
        ("authIdRespCd", "000665"),
        ("merOrderId", "31942025010203040500010"),
        ("billDate", "2025-01-02"),
        ("billNo", "3194202501020304050001"),
        ("instMid", "QRPAYDEFAULT"),
        ("tid", "88880001"),
        ("mid", "898201612345678"),
        ("requestTimestamp", "2025-01-02 03:04:05"),
    ] {
        assert!(body.set(name, value));
    }
    assert!(body.check(&strict()).is_empty());
    assert_eq!(body.to_json().unwrap(), V1_BODY);

    let mut generic = BillsBody::new(&PREAUTH_CANCEL);
    assert!(generic.set("mid", "898201612345678"));
    assert!(!generic.set("billno", "x"), "unknown names are refused");
    assert_eq!(generic.get("mid"), Some("898201612345678"));
    assert_eq!(generic.check(&strict()).len(), 7);
}
