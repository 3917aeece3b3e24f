//! Reading bills responses leniently (PROTOCOL.md rule 7): unknown members are kept, amounts
//! become integer fen whether the platform wrote them as numbers or strings, and `billPayment`
//! may be an object or a JSON string (so may `refundBillPayment`, the result of a bills/query
//! refund look-up). An `errCode` other than `SUCCESS` is reported, not hidden. What cannot be
//! read safely is an error, never a guess: a member repeated in one object (which one would a
//! log, a database or another parser believe?), or an amount that is not a whole,
//! non-negative number of fen.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::error::{Error, ErrorCode, Result};
use crate::json::{self, Json};

/// What a bills response may carry, for generated types and documentation (the parser keeps
/// every member, known or not; none of this is compiled into the wasm module).
pub mod answers {
    use super::super::schema::{answer, ResponseField, ResponseType};

    /// Codes the platform's business layer answers with (PROTOCOL.md §9.2), and what they mean.
    pub const ERR_CODES: &[(&str, &str)] = &[
        ("SUCCESS", "The call was accepted (not the same as paid: check the status fields)"),
        ("BAD_REQUEST", "Malformed message or bad field value"),
        ("INTERNAL_ERROR", "Internal error on the platform's side: retry or query"),
        ("NO_SERVICE", "No service for the request"),
        ("TIMEOUT", "Processing timed out: retry or query"),
        ("NO_ORDER", "Original order not found"),
        ("NO_BILL", "Bill not found"),
        ("OPERATION_NOT_ALLOWED", "Not allowed in the current state"),
        ("TARGET_FAIL", "The wallet's side failed"),
        ("DUP_ORDER", "Duplicate order"),
        ("NET_ERROR", "Communication error with the wallet"),
        ("NO_MERCHANT", "Merchant not found"),
        ("ORDER_PROCESSING", "Order locked or in progress: retry in about a minute"),
        ("INACTIVE_MERCHANT", "Merchant frozen"),
        ("ABNORMAL_REQUEST_TIME", "Request time abnormal (check the clock)"),
        ("TXN_DISCARDED", "Processed too late and discarded: retry"),
        ("BAD_SIGN", "Signature error"),
        ("INVALID_MSGSRC", "Wrong source: billNo or an order id lacks your msgSrcId prefix"),
        ("INVALID_ORDER", "Order information abnormal"),
        ("NO_CROSS_DAY_TRADING", "Cross-day operation not allowed (refund instead of void)"),
        ("DENIED_IP", "IP address not allowed"),
        ("INVLID_MERCHANT_CONFIG", "Wrong merchant configuration (the platform's spelling)"),
        ("INVALID_RESPONSE", "Invalid response message"),
        ("SYSTEM_BUSY", "System busy: retry"),
    ];

    /// `billStatus` values (PROTOCOL.md §7.4).
    pub const BILL_STATUSES: &[&str] = &["PAID", "UNPAID", "REFUND", "CLOSED", "UNKNOWN"];
    /// `billPayment.status` values.
    pub const PAYMENT_STATUSES: &[&str] = &["TRADE_SUCCESS", "TRADE_CLOSED", "TRADE_FAIL", "TRADE_REFUND"];

    /// Members every bills response has.
    pub const ENVELOPE: &[ResponseField] = &[
        answer("errCode", ResponseType::Word(&[]), "SUCCESS, or the platform's error code"),
        answer("errMsg", ResponseType::Text, "The platform's message"),
        answer("responseTimestamp", ResponseType::Text, "When the platform answered (Beijing), yyyy-MM-dd HH:mm:ss"),
        answer("msgId", ResponseType::Text, "The request's msgId, echoed"),
        answer("srcReserve", ResponseType::Text, "The request's srcReserve, echoed"),
        answer("mid", ResponseType::Text, "Merchant number"),
        answer("tid", ResponseType::Text, "Terminal number"),
        answer("instMid", ResponseType::Text, "Business type"),
    ];

    /// Members of a payment (`billPayment`), from the platform's preauth-cancel page.
    pub const PAYMENT: &[ResponseField] = &[
        answer("merOrderId", ResponseType::Text, "The payment's order id (a preauthorization's: void it with this)"),
        answer("billBizType", ResponseType::Text, "Bill business type"),
        answer("paySeqId", ResponseType::Text, "Reference number"),
        answer("totalAmount", ResponseType::Fen, "Total, in fen"),
        answer("buyerPayAmount", ResponseType::Fen, "Paid by the payer, in fen"),
        answer("invoiceAmount", ResponseType::Fen, "Invoiced, in fen"),
        answer("discountAmount", ResponseType::Fen, "Discount, in fen"),
        answer("buyerId", ResponseType::Text, "Payer id"),
        answer("buyerUsername", ResponseType::Text, "Payer user name"),
        answer("payDetail", ResponseType::Text, "Payment details"),
        answer("payTime", ResponseType::Text, "When it was paid, yyyy-MM-dd HH:mm:ss"),
        answer("settleDate", ResponseType::Text, "Settlement date, yyyy-MM-dd"),
        answer("status", ResponseType::Word(PAYMENT_STATUSES), "The payment's status"),
        answer("targetOrderId", ResponseType::Text, "Order id at the wallet"),
        answer("targetSys", ResponseType::Text, "The wallet or network"),
        answer("authIdRespCd", ResponseType::Text, "A preauthorization's authorization code: void or capture it with this"),
        answer("activityIds", ResponseType::Text, "Wallet activity ids"),
    ];

    /// `billNo`, echoed.
    pub const BILL_NO: ResponseField = answer("billNo", ResponseType::Text, "Bill number");
    /// `billDate`, echoed.
    pub const BILL_DATE: ResponseField = answer("billDate", ResponseType::Text, "Bill date, yyyy-MM-dd");
    /// `billStatus`.
    pub const BILL_STATUS: ResponseField = answer("billStatus", ResponseType::Word(BILL_STATUSES), "The bill's status");
    /// `billPayment`.
    pub const BILL_PAYMENT: ResponseField = answer("billPayment", ResponseType::Payment, "The bill's payment, amounts in fen");
    /// `refundBillPayment`.
    pub const REFUND_BILL_PAYMENT: ResponseField =
        answer("refundBillPayment", ResponseType::Payment, "The refund or capture looked up with refundOrderId or authedOrderId");
    /// `billQRCode`.
    pub const BILL_QR_CODE: ResponseField = answer("billQRCode", ResponseType::Text, "The bill's QR code (a URL to show as a QR code)");
    /// `totalAmount`.
    pub const TOTAL_AMOUNT: ResponseField = answer("totalAmount", ResponseType::Fen, "The bill's total, in fen");
    /// `completeAmount`.
    pub const COMPLETE_AMOUNT: ResponseField = answer("completeAmount", ResponseType::Fen, "Captured so far, in fen");
    /// `createTime`.
    pub const CREATE_TIME: ResponseField = answer("createTime", ResponseType::Text, "When the bill was created, yyyy-MM-dd HH:mm:ss");
    /// `cardAttr`.
    pub const CARD_ATTR: ResponseField = answer("cardAttr", ResponseType::Word(&["DEBIT_CARD", "CREDIT_CARD"]), "Debit or credit card");
}

/// Largest integer a JavaScript number holds exactly; larger amounts would be silently rounded.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A parsed bills response.
#[derive(Clone, Debug, PartialEq)]
pub struct BillsResponse {
    /// `errCode == "SUCCESS"`: the platform accepted the call (check `bill_status` for the state).
    pub ok: bool,
    /// The platform or business code (`SUCCESS`, `NO_BILL`, `OPERATION_NOT_ALLOWED`, …).
    pub err_code: String,
    /// `errMsg` (or `errInfo`, which platform-level errors use).
    pub err_msg: Option<String>,
    /// `billStatus` (`PAID`, `UNPAID`, `REFUND`, `CLOSED`, `UNKNOWN`, …).
    pub bill_status: Option<String>,
    /// `billPayment`, always an object here, amounts as integer fen.
    pub bill_payment: Option<Json>,
    /// Every other member, in document order, amounts as integer fen.
    pub other: Vec<(String, Json)>,
}

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidResponse, field, message)
}

/// Reads a response document: JSON text, unique member names, an object at the top.
pub(crate) fn response_members(text: &str, what: &str) -> Result<Vec<(String, Json)>> {
    let root = json::parse(text).map_err(|e| match e {
        json::JsonError::Syntax(detail) => Error::whole(
            ErrorCode::InvalidJson,
            format!(
                "{what} is not JSON ({detail}); a non-JSON body usually means a gateway or \
                 authentication failure: check the HTTP status"
            ),
        ),
        other => other.into_error(what),
    })?;
    match root {
        Json::Object(members) => Ok(members),
        other => Err(Error::whole(
            ErrorCode::InvalidResponse,
            format!("{what} must be a JSON object, not {}", other.type_name()),
        )),
    }
}

impl BillsResponse {
    /// Parses a response body of at most
    /// [`DEFAULT_MAX_BODY_BYTES`](crate::limits::DEFAULT_MAX_BODY_BYTES) (1 MiB).
    pub fn parse(text: &str) -> Result<Self> {
        Self::parse_with_limit(text, crate::limits::DEFAULT_MAX_BODY_BYTES)
    }

    /// Parses a response body of at most `max_body_bytes` bytes (at most 1 GiB).
    pub fn parse_with_limit(text: &str, max_body_bytes: usize) -> Result<Self> {
        let max_body_bytes = crate::limits::check_max_body_bytes(max_body_bytes)?;
        crate::limits::check_body_size("text", text.len(), max_body_bytes)?;
        let members = response_members(text, "the response")?;
        let mut response = BillsResponse {
            ok: false,
            err_code: String::new(),
            err_msg: None,
            bill_status: None,
            bill_payment: None,
            other: Vec::new(),
        };
        let mut err_code = None;
        let mut err_info = None;
        for (name, value) in members {
            match name.as_str() {
                "errCode" => err_code = Some(text_of(&name, value)?),
                "errMsg" => response.err_msg = optional_text(&name, value)?,
                "errInfo" => err_info = optional_text(&name, value)?,
                "billStatus" => response.bill_status = optional_text(&name, value)?,
                "billPayment" => response.bill_payment = payment_object(&name, value)?,
                "refundBillPayment" => {
                    let payment = payment_object(&name, value)?.unwrap_or(Json::Null);
                    response.other.push((name, payment));
                }
                _ => {
                    let value = normalize(&name, &name, value)?;
                    response.other.push((name, value));
                }
            }
        }
        response.err_code = err_code.ok_or_else(|| {
            invalid(
                "errCode",
                "the response has no errCode, so success cannot be told from failure; it is \
                 probably not a netpay bills response",
            )
        })?;
        if response.err_msg.is_none() {
            response.err_msg = err_info;
        }
        response.ok = response.err_code == "SUCCESS";
        Ok(response)
    }

    /// A member by name, other than the named fields above.
    pub fn get(&self, name: &str) -> Option<&Json> {
        self.other.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// `ok`, `errCode`, `errMsg`, `billStatus`, `billPayment` (null when absent), then every other
/// member; amounts are integers.
impl Serialize for BillsResponse {
    fn serialize<S: Serializer>(&self, serializer: S) -> core::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(5 + self.other.len()))?;
        map.serialize_entry("ok", &self.ok)?;
        map.serialize_entry("errCode", &self.err_code)?;
        map.serialize_entry("errMsg", &self.err_msg)?;
        map.serialize_entry("billStatus", &self.bill_status)?;
        map.serialize_entry("billPayment", &self.bill_payment)?;
        // A member of the response named like one computed here (`ok`) would replace the
        // library's verdict in a JavaScript object (`{"errCode":"FAIL","ok":true}` would read as
        // a success). The verdict wins; the raw member stays readable through `get`.
        for (name, value) in self.other.iter().filter(|(name, _)| name != "ok") {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

fn text_of(name: &str, value: Json) -> Result<String> {
    match value {
        Json::String(s) => Ok(s),
        Json::Number(n) => Ok(n.to_string()),
        other => Err(invalid(name, format!("{name} must be a string, not {}", other.type_name()))),
    }
}

fn optional_text(name: &str, value: Json) -> Result<Option<String>> {
    match value {
        Json::Null => Ok(None),
        other => text_of(name, other).map(Some),
    }
}

/// A payment member (`billPayment`, `refundBillPayment`) as an object with amounts in fen; it may
/// arrive as an object or as a JSON string of one. Null or blank means absent.
pub(crate) fn payment_object(name: &str, value: Json) -> Result<Option<Json>> {
    let object = match value {
        Json::Null => return Ok(None),
        Json::String(s) if s.trim().is_empty() => return Ok(None),
        Json::String(s) => json::parse(&s).map_err(|e| match e {
            // Too deep is its own failure, wherever the text was found.
            json::JsonError::TooDeep(_) => json::too_deep(Some(name), "the response"),
            other => invalid(name, format!("{name} is a string but not a JSON object: {}", other.into_error(name).message())),
        })?,
        other => other,
    };
    match object {
        Json::Object(_) => normalize(name, name, object).map(Some),
        other => Err(invalid(name, format!("{name} must be an object, not {}", other.type_name()))),
    }
}

/// Whether a member holds an amount in fen.
fn is_amount(name: &str) -> bool {
    name.ends_with("Amount") || name.ends_with("Amt") || name.starts_with("coupon") && name.ends_with("Contribute")
}

/// Converts the amounts of member `name` (at any depth) to integer fen; other values are kept.
pub(crate) fn normalize_amounts(name: &str, value: Json) -> Result<Json> {
    normalize(name, name, value)
}

/// Converts amounts (at any depth) to integer fen; other values are kept as they are.
fn normalize(path: &str, name: &str, value: Json) -> Result<Json> {
    if is_amount(name) {
        return amount_fen(path, value);
    }
    match value {
        Json::Object(members) => members
            .into_iter()
            .map(|(key, item)| Ok((key.clone(), normalize(&format!("{path}.{key}"), &key, item)?)))
            .collect::<Result<Vec<_>>>()
            .map(Json::Object),
        Json::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| normalize(&format!("{path}[{i}]"), name, item))
            .collect::<Result<Vec<_>>>()
            .map(Json::Array),
        other => Ok(other),
    }
}

/// An amount as integer fen: a JSON number with an integral value (`2100`, `2100.0`, `2.1e3`)
/// or a string of digits (`"2100"`); empty strings and null mean absent. Anything else (a sign,
/// a fraction, a string with a decimal point, which is most likely yuan, a boolean, an object,
/// an array, a value beyond 2^53) is an error rather than a silently wrong number.
fn amount_fen(path: &str, value: Json) -> Result<Json> {
    let fen = match &value {
        Json::Null => return Ok(Json::Null),
        Json::String(s) if s.is_empty() => return Ok(Json::Null),
        Json::String(s) if !s.is_empty() && s.len() <= 16 && s.bytes().all(|b| b.is_ascii_digit()) => s.parse::<u64>().ok(),
        Json::Number(n) => n.as_u64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= MAX_SAFE_INTEGER as f64).map(|f| {
            // Integral and within 0..=2^53, so the conversion is exact.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let whole = f as u64;
            whole
        })),
        _ => None,
    };
    match fen.filter(|fen| *fen <= MAX_SAFE_INTEGER) {
        Some(fen) => Ok(Json::Number(fen.into())),
        None => Err(invalid(
            path,
            format!(
                "{} is {}, which is not a whole number of fen; amounts must be non-negative \
                 integers (a string with a decimal point is most likely yuan)",
                crate::error::quoted(path),
                shown(&value)
            ),
        )),
    }
}

/// A value as a message shows it: strings quoted and cut short, other values by their JSON
/// text or type.
fn shown(value: &Json) -> String {
    match value {
        Json::String(s) => format!("the string {}", crate::error::quoted(s)),
        Json::Number(n) => crate::error::quoted(&n.to_string()),
        Json::Bool(b) => b.to_string(),
        other => format!("a JSON {}", other.type_name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_SAMPLE: &str = r#"{
  "errCode":"SUCCESS",
  "errMsg":"",
  "responseTimestamp":"2023-07-19 12:03:02",
  "mid":"89844035541APR4",
  "tid":"APR40001",
  "billPayment":
  {
    "merOrderId":"124F20230719120217929621620",
    "billBizType":"bills",
    "paySeqId":"35311772967N",
    "totalAmount":"2100",
    "buyerPayAmount":"2100",
    "invoiceAmount":"2100",
    "discountAmount":"2100",
    "buyerId":"",
    "buyerUsername":"",
    "payDetail":"现金支付21.00元",
    "payTime":"2023-07-19 12:02:19",
    "settleDate":"2023-07-19",
    "status":"TRADE_CLOSED",
    "targetOrderId":"16230719433399059491",
    "targetSys":"ACP",
    "activityIds":""
  },
  "msgId":"",
  "srcReserve":"",
  "billNo":"124F2023071912021792962162",
  "billDate":"2023-07-19",
  "instMid":"QRPAYDEFAULT",
  "billQRCode":"",
  "billStatus":"CLOSED",
  "cardAttr":"CREDIT_CARD"
}"#;

    #[test]
    fn a_member_named_ok_cannot_override_the_verdict() {
        let r = BillsResponse::parse(r#"{"errCode":"FAIL","ok":true}"#).unwrap();
        assert!(!r.ok);
        assert_eq!(r.get("ok"), Some(&Json::Bool(true)));
        assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"ok":false,"errCode":"FAIL","errMsg":null,"billStatus":null,"billPayment":null}"#);
    }

    #[test]
    fn parses_the_seed_sample_response() {
        let r = BillsResponse::parse(SEED_SAMPLE).unwrap();
        assert!(r.ok);
        assert_eq!(r.err_code, "SUCCESS");
        assert_eq!(r.err_msg.as_deref(), Some(""));
        assert_eq!(r.bill_status.as_deref(), Some("CLOSED"));
        let payment = r.bill_payment.as_ref().unwrap();
        assert_eq!(payment.get("totalAmount"), Some(&Json::Number(2100u64.into())));
        assert_eq!(payment.get("status"), Some(&Json::String("TRADE_CLOSED".into())));
        assert_eq!(payment.get("payDetail"), Some(&Json::String("现金支付21.00元".into())));
        assert_eq!(r.get("cardAttr"), Some(&Json::String("CREDIT_CARD".into())));
        assert_eq!(r.get("billNo"), Some(&Json::String("124F2023071912021792962162".into())));
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.starts_with(r#"{"ok":true,"errCode":"SUCCESS","errMsg":"","billStatus":"CLOSED","billPayment":{"merOrderId""#), "{json}");
        assert!(json.contains(r#""totalAmount":2100,"buyerPayAmount":2100"#));
    }

    #[test]
    fn amounts_are_integer_fen_from_numbers_or_strings() {
        let r = BillsResponse::parse(
            r#"{"errCode":"SUCCESS","totalAmount":100,"refundAmount":"0250","billPayment":"{\"totalAmount\":2.1e3,\"invoiceAmount\":\"\",\"couponMerchantContribute\":5.00}"}"#,
        )
        .unwrap();
        assert_eq!(r.get("totalAmount"), Some(&Json::Number(100u64.into())));
        assert_eq!(r.get("refundAmount"), Some(&Json::Number(250u64.into())));
        let p = r.bill_payment.unwrap();
        assert_eq!(p.get("totalAmount"), Some(&Json::Number(2100u64.into())));
        assert_eq!(p.get("invoiceAmount"), Some(&Json::Null));
        assert_eq!(p.get("couponMerchantContribute"), Some(&Json::Number(5u64.into())));
    }

    #[test]
    fn fractional_or_huge_amounts_are_errors_not_silent_rounding() {
        for body in [
            r#"{"errCode":"SUCCESS","totalAmount":"21.50"}"#,
            r#"{"errCode":"SUCCESS","totalAmount":"21.00"}"#,
            r#"{"errCode":"SUCCESS","totalAmount":"2.1e3"}"#,
            r#"{"errCode":"SUCCESS","totalAmount":"abc"}"#,
            r#"{"errCode":"SUCCESS","totalAmount":1e300}"#,
            r#"{"errCode":"SUCCESS","totalAmount":9007199254740993}"#,
        ] {
            let err = BillsResponse::parse(body).unwrap_err();
            assert_eq!((err.code(), err.field()), (ErrorCode::InvalidResponse, Some("totalAmount")), "{body}");
        }
        let err = BillsResponse::parse(r#"{"errCode":"SUCCESS","billPayment":{"totalAmount":"1.5"}}"#).unwrap_err();
        assert_eq!(err.field(), Some("billPayment.totalAmount"));
    }

    #[test]
    fn amounts_that_are_not_whole_non_negative_fen_are_refused() {
        for amount in ["-1", "\"-5\"", "true", "{}", "[1]", "1.5", "\"21.00\"", "\"abc\"", "\" 1\"", "9007199254740992"] {
            for body in [
                format!(r#"{{"errCode":"SUCCESS","totalAmount":{amount}}}"#),
                format!(r#"{{"errCode":"SUCCESS","billPayment":{{"totalAmount":{amount}}}}}"#),
            ] {
                let err = BillsResponse::parse(&body).unwrap_err();
                assert_eq!(err.code(), ErrorCode::InvalidResponse, "{body}");
                assert!(err.field().is_some_and(|f| f.ends_with("totalAmount")), "{body}: {:?}", err.field());
            }
        }
        let r = BillsResponse::parse(r#"{"errCode":"SUCCESS","discountAmount":0,"couponAmount":"0","refundAmount":null}"#).unwrap();
        assert_eq!(r.get("discountAmount"), Some(&Json::Number(0u64.into())));
        assert_eq!(r.get("refundAmount"), Some(&Json::Null));
    }

    #[test]
    fn repeated_members_are_refused_not_resolved() {
        for (body, field) in [
            (r#"{"errCode":"FAIL","errCode":"SUCCESS"}"#, "errCode"),
            (r#"{"errCode":"SUCCESS","billPayment":{"totalAmount":1,"totalAmount":2}}"#, "billPayment.totalAmount"),
        ] {
            let err = BillsResponse::parse(body).unwrap_err();
            assert_eq!((err.code(), err.field()), (ErrorCode::DuplicateField, Some(field)), "{body}");
        }
    }

    #[test]
    fn refund_bill_payment_is_parsed_like_bill_payment() {
        let r = BillsResponse::parse(
            r#"{"errCode":"SUCCESS","refundBillPayment":"{\"refundOrderId\":\"3194R1\",\"refundAmount\":\"50\"}"}"#,
        )
        .unwrap();
        let refund = r.get("refundBillPayment").unwrap();
        assert_eq!(refund.get("refundAmount"), Some(&Json::Number(50u64.into())));
        assert_eq!(refund.get("refundOrderId"), Some(&Json::String("3194R1".into())));
        let r = BillsResponse::parse(r#"{"errCode":"SUCCESS","refundBillPayment":""}"#).unwrap();
        assert_eq!(r.get("refundBillPayment"), Some(&Json::Null));
        let err = BillsResponse::parse(r#"{"errCode":"SUCCESS","refundBillPayment":"nope"}"#).unwrap_err();
        assert_eq!(err.field(), Some("refundBillPayment"));
    }

    #[test]
    fn business_errors_are_reported() {
        let r = BillsResponse::parse(r#"{"errCode":"NO_BILL","errMsg":"账单不存在"}"#).unwrap();
        assert!(!r.ok);
        assert_eq!((r.err_code.as_str(), r.err_msg.as_deref()), ("NO_BILL", Some("账单不存在")));
        let r = BillsResponse::parse(r#"{"errCode":"1001","errInfo":"认证失败"}"#).unwrap();
        assert_eq!(r.err_msg.as_deref(), Some("认证失败"));
        assert!(serde_json::to_string(&r).unwrap().contains(r#""billPayment":null"#));
    }

    #[test]
    fn non_responses_are_errors() {
        assert_eq!(BillsResponse::parse("认证失败").unwrap_err().code(), ErrorCode::InvalidJson);
        assert_eq!(BillsResponse::parse("[]").unwrap_err().code(), ErrorCode::InvalidResponse);
        assert_eq!(BillsResponse::parse("{}").unwrap_err().field(), Some("errCode"));
        assert_eq!(BillsResponse::parse(r#"{"errCode":"SUCCESS","billPayment":"{"}"#).unwrap_err().field(), Some("billPayment"));
        assert_eq!(BillsResponse::parse(r#"{"errCode":"SUCCESS","billPayment":[1]}"#).unwrap_err().code(), ErrorCode::InvalidResponse);
    }
}
