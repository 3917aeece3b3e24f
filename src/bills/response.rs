//! Reading bills responses leniently (PROTOCOL.md rule 7): unknown members are kept, amounts
//! become integer fen whether the platform wrote them as numbers or strings, and `billPayment`
//! may be an object or a JSON string (so may `refundBillPayment`, the result of a bills/query
//! refund look-up). An `errCode` other than `SUCCESS` is reported, not hidden.

use crate::error::{Error, ErrorCode, Result};
use crate::json::{self, Value};

/// Largest integer a JavaScript number holds exactly; larger amounts would be silently rounded.
const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// A parsed bills response.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    pub bill_payment: Option<Value>,
    /// Every other member, in document order, amounts as integer fen.
    pub other: Vec<(String, Value)>,
}

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidResponse, field, message)
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
        let root = json::parse(text).map_err(|e| match e.code() {
            ErrorCode::InvalidJson => Error::whole(
                ErrorCode::InvalidJson,
                format!(
                    "the response is not JSON ({}); a non-JSON body usually means a gateway or \
                     authentication failure: check the HTTP status",
                    e.message()
                ),
            ),
            _ => e,
        })?;
        let Value::Object(members) = root else {
            return Err(Error::whole(
                ErrorCode::InvalidResponse,
                format!("the response must be a JSON object, not {}", root.type_name()),
            ));
        };
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
        for (name, value) in last_wins(members) {
            match name.as_str() {
                "errCode" => err_code = Some(text_of(&name, value)?),
                "errMsg" => response.err_msg = optional_text(&name, value)?,
                "errInfo" => err_info = optional_text(&name, value)?,
                "billStatus" => response.bill_status = optional_text(&name, value)?,
                "billPayment" => response.bill_payment = payment_object(&name, value)?,
                "refundBillPayment" => {
                    let payment = payment_object(&name, value)?.unwrap_or(Value::Null);
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

    /// A member by name (including the named fields above).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.other.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The response as JSON: `ok`, `errCode`, `errMsg`, `billStatus`, `billPayment` (null when
    /// absent), then every other member; amounts are JSON integers.
    pub fn to_json(&self) -> String {
        let text_or_null = |s: &Option<String>| s.clone().map_or(Value::Null, Value::String);
        let mut members = vec![
            ("ok".to_owned(), Value::Bool(self.ok)),
            ("errCode".to_owned(), Value::String(self.err_code.clone())),
            ("errMsg".to_owned(), text_or_null(&self.err_msg)),
            ("billStatus".to_owned(), text_or_null(&self.bill_status)),
            ("billPayment".to_owned(), self.bill_payment.clone().unwrap_or(Value::Null)),
        ];
        // A member of the response named like one computed here (`ok`) would follow it and, as
        // JSON.parse keeps the last of repeated names, replace the library's verdict in
        // JavaScript (`{"errCode":"FAIL","ok":true}` would read as a success). The verdict
        // wins; the raw member stays readable through `get`.
        members.extend(self.other.iter().filter(|(name, _)| name != "ok").cloned());
        let mut out = String::with_capacity(512);
        json::write_value(&mut out, &Value::Object(members));
        out
    }
}

/// Members with repeated names collapse to the last value, as `JSON.parse` does.
fn last_wins(members: Vec<(String, Value)>) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::with_capacity(members.len());
    for (name, value) in members {
        match out.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => out.push((name, value)),
        }
    }
    out
}

fn text_of(name: &str, value: Value) -> Result<String> {
    match value {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n),
        other => Err(invalid(name, format!("{name} must be a string, not {}", other.type_name()))),
    }
}

fn optional_text(name: &str, value: Value) -> Result<Option<String>> {
    match value {
        Value::Null => Ok(None),
        other => text_of(name, other).map(Some),
    }
}

/// A payment member (`billPayment`, `refundBillPayment`) as an object with amounts in fen; it may
/// arrive as an object or as a JSON string of one. Null or blank means absent.
pub(crate) fn payment_object(name: &str, value: Value) -> Result<Option<Value>> {
    let object = match value {
        Value::Null => return Ok(None),
        Value::String(s) if s.trim().is_empty() => return Ok(None),
        Value::String(s) => json::parse(&s).map_err(|e| {
            invalid(name, format!("{name} is a string but not JSON: {}", e.message()))
        })?,
        other => other,
    };
    match object {
        Value::Object(_) => normalize(name, name, object).map(Some),
        other => Err(invalid(name, format!("{name} must be an object, not {}", other.type_name()))),
    }
}

/// Whether a member holds an amount in fen.
fn is_amount(name: &str) -> bool {
    name.ends_with("Amount") || name.ends_with("Amt") || name.starts_with("coupon") && name.ends_with("Contribute")
}

/// Converts the amounts of member `name` (at any depth) to integer fen; other values are kept.
pub(crate) fn normalize_amounts(name: &str, value: Value) -> Result<Value> {
    normalize(name, name, value)
}

/// Converts amounts (at any depth) to integer fen; other values are kept as they are.
fn normalize(path: &str, name: &str, value: Value) -> Result<Value> {
    match value {
        Value::Object(members) => {
            let mut out = Vec::with_capacity(members.len());
            for (key, item) in last_wins(members) {
                let item = normalize(&format!("{path}.{key}"), &key, item)?;
                out.push((key, item));
            }
            Ok(Value::Object(out))
        }
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| normalize(&format!("{path}[{i}]"), name, item))
            .collect::<Result<Vec<_>>>()
            .map(Value::Array),
        Value::Number(_) | Value::String(_) if is_amount(name) => amount_fen(path, value),
        other => Ok(other),
    }
}

fn amount_fen(path: &str, value: Value) -> Result<Value> {
    let (text, raw) = match &value {
        Value::String(s) if s.is_empty() => return Ok(Value::Null),
        Value::String(s) => (s.as_str(), true),
        Value::Number(n) => (n.as_str(), false),
        _ => return Ok(value),
    };
    // A string amount with a decimal point is most likely yuan ("21.00"), so only digits are
    // accepted there; a JSON number only needs an integral value (2100.0 is 2100).
    let digits_only = text.strip_prefix('-').unwrap_or(text).bytes().all(|b| b.is_ascii_digit());
    let fen = integer_value(text)
        .filter(|_| !raw || digits_only)
        .filter(|v| v.unsigned_abs() <= MAX_SAFE_INTEGER.unsigned_abs());
    match fen {
        Some(fen) => Ok(Value::Number(fen.to_string())),
        None => Err(invalid(
            path,
            format!(
                "{} is {}{}, which is not a whole number of fen; amounts must be integers",
                crate::error::quoted(path),
                if raw { "the string " } else { "" },
                crate::error::quoted(text)
            ),
        )),
    }
}

/// The exact integer value of a JSON-number-shaped text (`2100`, `"2100"`, `2100.00`, `2.1e3`),
/// or `None` when it has a fraction or does not fit in 18 digits.
fn integer_value(text: &str) -> Option<i64> {
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, i64::from(exponent.parse::<i32>().ok()?)),
        None => (unsigned, 0),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((_, "")) => return None,
        Some(parts) => parts,
        None => (mantissa, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    // value = significant digits × 10^shift
    let joined = [whole, fraction].concat();
    let significant = joined.trim_start_matches('0');
    let shift = exponent - i64::try_from(fraction.len()).ok()?;
    let integral = if shift >= 0 {
        let zeros = usize::try_from(shift).ok()?;
        if significant.is_empty() {
            String::new()
        } else if significant.len().checked_add(zeros)? > 18 {
            return None;
        } else {
            significant.to_owned() + &"0".repeat(zeros)
        }
    } else {
        let dropped = usize::try_from(-shift).ok()?;
        let keep = significant.len().saturating_sub(dropped);
        let (kept, discarded) = significant.split_at_checked(keep)?;
        if !discarded.bytes().all(|b| b == b'0') || kept.len() > 18 {
            return None;
        }
        kept.to_owned()
    };
    let magnitude: i64 = if integral.is_empty() { 0 } else { integral.parse().ok()? };
    Some(if negative { -magnitude } else { magnitude })
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
        assert_eq!(r.get("ok"), Some(&Value::Bool(true)));
        assert_eq!(r.to_json(), r#"{"ok":false,"errCode":"FAIL","errMsg":null,"billStatus":null,"billPayment":null}"#);
    }

    #[test]
    fn parses_the_seed_sample_response() {
        let r = BillsResponse::parse(SEED_SAMPLE).unwrap();
        assert!(r.ok);
        assert_eq!(r.err_code, "SUCCESS");
        assert_eq!(r.err_msg.as_deref(), Some(""));
        assert_eq!(r.bill_status.as_deref(), Some("CLOSED"));
        let payment = r.bill_payment.as_ref().unwrap();
        assert_eq!(payment.get("totalAmount"), Some(&Value::Number("2100".into())));
        assert_eq!(payment.get("status"), Some(&Value::String("TRADE_CLOSED".into())));
        assert_eq!(payment.get("payDetail"), Some(&Value::String("现金支付21.00元".into())));
        assert_eq!(r.get("cardAttr"), Some(&Value::String("CREDIT_CARD".into())));
        assert_eq!(r.get("billNo"), Some(&Value::String("124F2023071912021792962162".into())));
        let json = r.to_json();
        assert!(json.starts_with(r#"{"ok":true,"errCode":"SUCCESS","errMsg":"","billStatus":"CLOSED","billPayment":{"merOrderId""#), "{json}");
        assert!(json.contains(r#""totalAmount":2100,"buyerPayAmount":2100"#));
    }

    #[test]
    fn amounts_are_integer_fen_from_numbers_or_strings() {
        let r = BillsResponse::parse(
            r#"{"errCode":"SUCCESS","totalAmount":100,"refundAmount":"0250","billPayment":"{\"totalAmount\":2.1e3,\"invoiceAmount\":\"\",\"couponMerchantContribute\":5.00}"}"#,
        )
        .unwrap();
        assert_eq!(r.get("totalAmount"), Some(&Value::Number("100".into())));
        assert_eq!(r.get("refundAmount"), Some(&Value::Number("250".into())));
        let p = r.bill_payment.unwrap();
        assert_eq!(p.get("totalAmount"), Some(&Value::Number("2100".into())));
        assert_eq!(p.get("invoiceAmount"), Some(&Value::Null));
        assert_eq!(p.get("couponMerchantContribute"), Some(&Value::Number("5".into())));
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
    fn integer_value_is_exact() {
        assert_eq!(integer_value("0"), Some(0));
        assert_eq!(integer_value("-0"), Some(0));
        assert_eq!(integer_value("2100"), Some(2100));
        assert_eq!(integer_value("2100.000"), Some(2100));
        assert_eq!(integer_value("21e2"), Some(2100));
        assert_eq!(integer_value("0.21e4"), Some(2100));
        assert_eq!(integer_value("210000e-2"), Some(2100));
        assert_eq!(integer_value("-15"), Some(-15));
        assert_eq!(integer_value("0.5"), None);
        assert_eq!(integer_value("2101e-1"), None);
        assert_eq!(integer_value("1e19"), None);
        assert_eq!(integer_value(" 1"), None);
        assert_eq!(integer_value("1."), None);
        assert_eq!(integer_value(""), None);
        assert_eq!(integer_value("1e999999999999"), None);
    }

    #[test]
    fn refund_bill_payment_is_parsed_like_bill_payment() {
        let r = BillsResponse::parse(
            r#"{"errCode":"SUCCESS","refundBillPayment":"{\"refundOrderId\":\"3194R1\",\"refundAmount\":\"50\"}"}"#,
        )
        .unwrap();
        let refund = r.get("refundBillPayment").unwrap();
        assert_eq!(refund.get("refundAmount"), Some(&Value::Number("50".into())));
        assert_eq!(refund.get("refundOrderId"), Some(&Value::String("3194R1".into())));
        let r = BillsResponse::parse(r#"{"errCode":"SUCCESS","refundBillPayment":""}"#).unwrap();
        assert_eq!(r.get("refundBillPayment"), Some(&Value::Null));
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
        assert!(r.to_json().contains(r#""billPayment":null"#));
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
