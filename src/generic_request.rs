//! Any other endpoint, without a field table: `POST /v1/netpay/bills/<service>`, or any other
//! versioned path of the platform (`/v1/netpay/refund-query`, `/v2/poslink/…`), with the
//! caller's JSON object, serialized exactly (members in the given order, numbers with their
//! given text, strings per PROTOCOL.md rule 6) and `requestTimestamp` filled from the clock when
//! absent or empty. Nothing else is checked: prefer the typed builders where they exist.

use crate::error::{Error, ErrorCode, Issue, Result};
use serde::Deserialize as _;

use crate::json::{self, Exact, ExactMembers};
use crate::http::HttpRequest;
use crate::request::BuildOptions;
use crate::time::BeijingTime;

/// The path prefix of the bills family.
pub const BILLS_PATH_PREFIX: &str = "/v1/netpay/bills/";

const MAX_SERVICE_LEN: usize = 64;

/// Longest path accepted.
const MAX_PATH_LEN: usize = 128;

/// The path of a request: a full versioned path as given (`/v<n>/` then segments of lowercase
/// letters, digits and inner dashes), or `/v1/netpay/bills/<service>` for a service name of
/// the same letters (`refund`, `close-qrcode`, …), so that nothing can leave the platform's
/// API paths (no `..`, no query, no other host).
pub fn bills_path(service: &str) -> Result<String> {
    if let Some(rest) = service.strip_prefix("/v") {
        let mut segments = rest.split('/');
        let version_ok = segments.next().is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
        let segments: Vec<&str> = segments.collect();
        if version_ok && !segments.is_empty() && service.len() <= MAX_PATH_LEN && segments.iter().all(|s| is_name(s)) {
            return Ok(service.to_owned());
        }
        return Err(Error::new(
            ErrorCode::FieldFormat,
            "path",
            format!(
                "a path must be /v<version>/ then names of lowercase letters, digits and dashes (for example \
                 /v1/netpay/refund-query), at most {MAX_PATH_LEN} characters, not {}",
                crate::error::quoted(service)
            ),
        ));
    }
    bills_service_path(service)
}

fn is_name(segment: &str) -> bool {
    !segment.is_empty()
        && segment.bytes().all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'))
        && !segment.starts_with('-')
        && !segment.ends_with('-')
}

fn bills_service_path(service: &str) -> Result<String> {
    if !(is_name(service) && service.len() <= MAX_SERVICE_LEN) {
        return Err(Error::new(
            ErrorCode::FieldFormat,
            "path",
            format!(
                "a path must be a bills endpoint name of lowercase letters, digits and dashes \
                 (for example \"refund\" or \"close-qrcode\"), at most {MAX_SERVICE_LEN} characters, \
                 not {}",
                crate::error::quoted(service)
            ),
        ));
    }
    Ok(format!("{BILLS_PATH_PREFIX}{service}"))
}

/// Builds a request for `service` from a JSON object: checks the service name, refuses
/// duplicate members and a malformed `requestTimestamp`, fills `requestTimestamp` (first
/// member when absent, in place when empty) from `options.now_ms`, and writes the body.
pub fn build_any_request(service: &str, input: &str, options: &BuildOptions) -> Result<HttpRequest> {
    let path = bills_path(service)?;
    let max_body_bytes = options.check.body_cap()?;
    crate::limits::check_body_size("input", input.len(), max_body_bytes)?;
    let now_ms = options.now_ms;
    let mut reader = json::reader(input).map_err(|e| e.into_error("the request"))?;
    if !input.trim_start().starts_with('{') {
        return Err(match serde::de::IgnoredAny::deserialize(&mut reader).and_then(|_| reader.end()) {
            Ok(()) => Error::whole(ErrorCode::FieldType, format!("the {service} request must be a JSON object")),
            Err(e) => json::json_error(&e, "the request"),
        });
    }
    let ExactMembers { mut members, repeated } =
        ExactMembers::deserialize(&mut reader).and_then(|read| reader.end().map(|()| read)).map_err(|e| json::json_error(&e, "the request"))?;
    let mut issues: Vec<Issue> = repeated.iter().map(|name| json::duplicate_issue(name)).collect();
    match members.iter_mut().find(|(name, _)| name == "requestTimestamp") {
        None => members.insert(0, ("requestTimestamp".to_owned(), request_time(now_ms)?)),
        Some((_, slot)) => match slot {
            Exact::Text(text) if text.is_empty() => *slot = request_time(now_ms)?,
            Exact::Text(text) if BeijingTime::parse_date_time(text).is_some() => {}
            Exact::Text(text) => issues.push(Issue::new(
                ErrorCode::FieldFormat,
                "requestTimestamp",
                format!(
                    "requestTimestamp must be a real Beijing date-time yyyy-MM-dd HH:mm:ss, not {}; \
                     omit it to use the clock",
                    crate::error::quoted(text)
                ),
            )),
            other => issues.push(Issue::new(
                ErrorCode::FieldType,
                "requestTimestamp",
                format!("requestTimestamp must be a JSON string, not {}", other.type_name()),
            )),
        },
    }
    if !issues.is_empty() {
        return Err(Error::from_issues(issues));
    }
    let body = serde_json::to_string(&Exact::Object(members)).map_err(|e| json::json_error(&e, "the request"))?;
    crate::limits::check_body_size("body", body.len(), max_body_bytes)?;
    Ok(HttpRequest::post(format!("{}{path}", options.base_url), options.content_type, body))
}

fn request_time(now_ms: i64) -> Result<Exact> {
    Ok(Exact::Text(BeijingTime::from_epoch_ms(now_ms)?.date_time()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2025-01-02 03:04:05 Beijing.
    const TS_MS: i64 = 1_735_758_245_000;

    fn build(service: &str, input: &str) -> Result<HttpRequest> {
        build_any_request(service, input, &BuildOptions::new("http://127.0.0.1:1", TS_MS))
    }

    #[test]
    fn service_names_stay_inside_the_bills_path() {
        assert_eq!(bills_path("close-qrcode").unwrap(), "/v1/netpay/bills/close-qrcode");
        for bad in ["", "Refund", "../token/access", "a/b", "-a", "a-", "a b", "退款", &"a".repeat(65)] {
            assert_eq!(bills_path(bad).unwrap_err().field(), Some("path"), "{bad:?}");
        }
    }

    #[test]
    fn versioned_paths_are_kept_and_checked() {
        assert_eq!(bills_path("/v1/netpay/refund-query").unwrap(), "/v1/netpay/refund-query");
        assert_eq!(bills_path("/v2/poslink/transaction/pay").unwrap(), "/v2/poslink/transaction/pay");
        for bad in ["/v1/", "/v/netpay/x", "/v1/netpay/../token", "/v1/netpay//x", "/v1/netpay/x?y=1", "/v1/Netpay/x", "/va/x", "//evil.example/v1/x"] {
            assert_eq!(bills_path(bad).unwrap_err().field(), Some("path"), "{bad}");
        }
        let r = build("/v1/netpay/refund-query", r#"{"merOrderId":"3194A"}"#).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:1/v1/netpay/refund-query");
    }

    #[test]
    fn body_keeps_order_and_number_text_and_gains_a_timestamp() {
        let r = build("refund", r#"{ "billNo" : "3194A1", "refundAmount": 100, "x": 1.50, "s":"\u9884\/" }"#).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:1/v1/netpay/bills/refund");
        assert_eq!(
            r.body,
            r#"{"requestTimestamp":"2025-01-02 03:04:05","billNo":"3194A1","refundAmount":100,"x":1.50,"s":"预/"}"#
        );
        let r = build("refund", r#"{"a":"1","requestTimestamp":""}"#).unwrap();
        assert_eq!(r.body, r#"{"a":"1","requestTimestamp":"2025-01-02 03:04:05"}"#);
        let r = build("refund", r#"{"requestTimestamp":"2024-12-31 23:59:59"}"#).unwrap();
        assert_eq!(r.body, r#"{"requestTimestamp":"2024-12-31 23:59:59"}"#);
    }

    #[test]
    fn malformed_bodies_are_refused_with_their_field() {
        let err = build("refund", r#"{"a":1,"a":2,"requestTimestamp":"20250102030405"}"#).unwrap_err();
        let fields: Vec<_> = err.issues().iter().map(|i| (i.code, i.field.as_deref())).collect();
        assert_eq!(fields, [(ErrorCode::DuplicateField, Some("a")), (ErrorCode::FieldFormat, Some("requestTimestamp"))]);
        assert_eq!(build("refund", r#"{"requestTimestamp":1}"#).unwrap_err().code(), ErrorCode::FieldType);
        assert_eq!(build("refund", "[]").unwrap_err().code(), ErrorCode::FieldType);
        assert_eq!(build("refund", "{").unwrap_err().code(), ErrorCode::InvalidJson);
    }

    #[test]
    fn many_members_are_checked_in_linear_time() {
        let members: Vec<String> = (0..50_000).map(|i| format!("\"k{i}\":{i}")).collect();
        let input = format!("{{{}}}", members.join(","));
        let body = build("refund", &input).unwrap().body;
        assert!(body.ends_with(",\"k49999\":49999}"));
        let duplicated = format!("{{{},\"k7\":0}}", members.join(","));
        assert_eq!(build("refund", &duplicated).unwrap_err().field(), Some("k7"));
    }
}
