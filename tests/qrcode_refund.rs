//! The bills endpoints that create, close and refund a bill: get-qrcode (ordinary and
//! preauthorization), close-qrcode and refund, field by field.
// Test helpers outside #[test] functions may assert with unwrap and indexing too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use chinaums_open::bills::{validate_json, CheckOptions, Endpoint, CLOSE_QRCODE, GET_QRCODE, REFUND};
use chinaums_open::http::TEST_BASE_URL;
use chinaums_open::request::{build_request, BuildOptions};
use chinaums_open::ErrorCode;
use serde_json::{json, Value};

/// 2025-01-02 03:04:05 Beijing.
const TS_MS: i64 = 1_735_758_245_000;

fn options(msg_src_id: Option<&str>) -> BuildOptions {
    let check = CheckOptions { msg_src_id: msg_src_id.map(str::to_owned), ..CheckOptions::default() };
    BuildOptions { check, ..BuildOptions::new(TEST_BASE_URL, TS_MS) }
}

fn get_qrcode() -> Value {
    json!({
        "mid": "898201612345678", "tid": "88880001", "billNo": "3194202501020304050009", "billDate": "2025-01-02",
        "totalAmount": "2100", "preauthTransaction": "true", "notifyUrl": "https://merchant.example/ums/notify",
        "expireTime": "2025-01-02 04:04:05", "goods": [{ "goodsId": "G1", "goodsName": "茶", "quantity": 2, "price": "1050" }],
    })
}

fn with(mut base: Value, field: &str, value: Value) -> String {
    base[field] = value;
    base.to_string()
}

/// (code, field) of every issue.
fn issues(endpoint: &'static Endpoint, input: &str) -> Vec<(ErrorCode, String)> {
    let check = CheckOptions { apply_defaults: true, msg_src_id: Some("3194".into()), ..CheckOptions::default() };
    validate_json(endpoint, input, &check).into_iter().map(|i| (i.code, i.field.unwrap_or_default())).collect()
}

fn code(endpoint: &'static Endpoint, input: &str, field: &str) -> ErrorCode {
    let found = issues(endpoint, input);
    found.iter().find(|(_, f)| f == field).map(|(c, _)| *c).unwrap_or_else(|| panic!("no issue for {field} in {found:?}"))
}

#[test]
fn a_preauth_get_qrcode_builds_in_the_sample_order_with_values_as_given() {
    // (json! sorts object members: the goods item arrives as goodsId, goodsName, price, quantity,
    // and is written in that order.)
    let built = build_request(&GET_QRCODE, &get_qrcode().to_string(), &options(Some("3194"))).unwrap();
    assert_eq!(built.url, "https://test-api-open.chinaums.com/v1/netpay/bills/get-qrcode");
    assert_eq!(
        built.body,
        r#"{"requestTimestamp":"2025-01-02 03:04:05","mid":"898201612345678","tid":"88880001","instMid":"QRPAYDEFAULT","billNo":"3194202501020304050009","billDate":"2025-01-02","totalAmount":"2100","goods":[{"goodsId":"G1","goodsName":"茶","price":"1050","quantity":2}],"expireTime":"2025-01-02 04:04:05","notifyUrl":"https://merchant.example/ums/notify","preauthTransaction":"true"}"#
    );
    // A JSON boolean flag and a numeric amount stay what they were.
    let built = build_request(&GET_QRCODE, &with(with(get_qrcode(), "preauthTransaction", json!(true)).parse().unwrap(), "totalAmount", json!(2100)), &options(None)).unwrap();
    assert!(built.body.contains(r#""totalAmount":2100,"#) && built.body.ends_with(r#""preauthTransaction":true}"#), "{}", built.body);
}

#[test]
fn get_qrcode_fields_are_checked_by_their_formats() {
    let base = get_qrcode;
    for (field, value, expected) in [
        ("totalAmount", json!("21.00"), ErrorCode::FieldFormat),
        ("totalAmount", json!(0), ErrorCode::FieldFormat),
        ("totalAmount", json!(true), ErrorCode::FieldType),
        ("platformAmount", json!("-1"), ErrorCode::FieldFormat),
        ("preauthTransaction", json!("yes"), ErrorCode::FieldFormat),
        ("preauthTransaction", json!(1), ErrorCode::FieldType),
        ("notifyUrl", json!("ftp://merchant.example/n"), ErrorCode::FieldFormat),
        ("returnUrl", json!(format!("https://m.example/{}", "x".repeat(250))), ErrorCode::FieldLength),
        ("expireTime", json!("2025-01-02T04:04:05"), ErrorCode::FieldFormat),
        ("walletOption", json!("BOTH"), ErrorCode::FieldFormat),
        ("installmentNumber", json!("3x"), ErrorCode::FieldFormat),
        ("retCommParams", json!([1]), ErrorCode::FieldFormat),
        ("goods", json!({ "goodsId": "G1" }), ErrorCode::FieldFormat),
        ("billDesc", json!("d".repeat(256)), ErrorCode::FieldLength),
        ("qrCodeId", json!("9999Q"), ErrorCode::FieldPrefix),
        ("billno", json!("x"), ErrorCode::UnknownField),
    ] {
        assert_eq!(code(&GET_QRCODE, &with(base(), field, value.clone()), field), expected, "{field} = {value}");
    }
    let bad_goods = with(base(), "goods", json!([{ "quantity": 0, "price": -5 }, "tea"]));
    let fields: Vec<String> = issues(&GET_QRCODE, &bad_goods).into_iter().map(|(_, f)| f).collect();
    assert_eq!(fields, ["goods[0].quantity", "goods[0].price", "goods[1]"]);
    let mut missing = base();
    missing.as_object_mut().unwrap().remove("totalAmount");
    assert_eq!(code(&GET_QRCODE, &missing.to_string(), "totalAmount"), ErrorCode::FieldRequired);
    assert_eq!(code(&GET_QRCODE, &with(base(), "billNo", json!("9999202501020304050009")), "billNo"), ErrorCode::FieldPrefix);
}

#[test]
fn close_qrcode_takes_the_qr_code_id_or_the_bill_number() {
    let input = json!({ "mid": "898201612345678", "tid": "88880001", "qrCodeId": "3194Q1", "attachRefund": true });
    let built = build_request(&CLOSE_QRCODE, &input.to_string(), &options(None)).unwrap();
    assert_eq!(
        built.body,
        r#"{"requestTimestamp":"2025-01-02 03:04:05","mid":"898201612345678","tid":"88880001","instMid":"QRPAYDEFAULT","qrCodeId":"3194Q1","attachRefund":true}"#
    );
    assert_eq!(code(&CLOSE_QRCODE, r#"{"mid":"m","tid":"t"}"#, "qrCodeId"), ErrorCode::FieldRequired);
    // The majiameng PHP client closes by billNo, a public TypeScript integration sends systemId.
    let by_bill = build_request(&CLOSE_QRCODE, r#"{"mid":"m","tid":"t","billNo":"3194B1","systemId":"S1"}"#, &options(Some("3194"))).unwrap();
    assert!(by_bill.body.ends_with(r#""instMid":"QRPAYDEFAULT","billNo":"3194B1","systemId":"S1"}"#), "{}", by_bill.body);
    assert_eq!(code(&CLOSE_QRCODE, r#"{"mid":"m","tid":"t","systemId":"S1"}"#, "qrCodeId"), ErrorCode::FieldRequired);
    assert_eq!(code(&CLOSE_QRCODE, r#"{"mid":"m","tid":"t","qrCodeId":"Q","qrcodeId":"x"}"#, "qrcodeId"), ErrorCode::UnknownField);
}

#[test]
fn refunds_need_an_amount_and_their_own_order_id() {
    let input = json!({
        "mid": "898201612345678", "tid": "88880001", "billNo": "3194202501020304050003", "billDate": "2025-01-02",
        "refundAmount": 500, "refundOrderId": "3194R0001", "refundDesc": "退货",
    });
    let built = build_request(&REFUND, &input.to_string(), &options(Some("3194"))).unwrap();
    assert!(built.body.starts_with(r#"{"requestTimestamp":"2025-01-02 03:04:05","mid":"898201612345678","tid":"88880001","instMid":"QRPAYDEFAULT","billNo":"3194202501020304050003","billDate":"2025-01-02","refundAmount":500,"refundOrderId":"3194R0001""#), "{}", built.body);
    let mut without = input.clone();
    without.as_object_mut().unwrap().remove("refundOrderId");
    assert_eq!(code(&REFUND, &without.to_string(), "refundOrderId"), ErrorCode::FieldRequired);
    assert_eq!(code(&REFUND, &with(input.clone(), "refundOrderId", json!("9999R1")), "refundOrderId"), ErrorCode::FieldPrefix);
    assert_eq!(code(&REFUND, &with(input.clone(), "refundAmount", json!("0")), "refundAmount"), ErrorCode::FieldFormat);
    let sub = with(input, "subOrders", json!([{ "mid": "m2", "merOrderId": "3194S", "totalAmount": "x" }]));
    assert_eq!(code(&REFUND, &sub, "subOrders[0].totalAmount"), ErrorCode::FieldFormat);
}
