//! The netpay "bills" API family: field tables, request bodies, and responses.

#[macro_use]
mod schema;
mod body;
mod formats;
mod preauth_cancel;
mod preauthed;
mod preauthed_cancel;
mod qrcode;
mod query;
mod refund;
pub mod response;

pub use body::{BillsBody, CheckOptions, Extra, FieldValue};
#[cfg(target_arch = "wasm32")]
pub(crate) use formats::article;
pub use preauth_cancel::{PREAUTH_CANCEL, PREAUTH_CANCEL_DOC};
pub use preauthed::{PREAUTHED, PREAUTHED_DOC};
pub use preauthed_cancel::{PREAUTHED_CANCEL, PREAUTHED_CANCEL_DOC};
pub use qrcode::{CLOSE_QRCODE, CLOSE_QRCODE_DOC, GET_QRCODE, GET_QRCODE_DOC};
pub use query::{BILLS_QUERY, BILLS_QUERY_DOC};
pub use refund::{REFUND, REFUND_DOC};
pub use response::BillsResponse;
pub(crate) use response::{normalize_amounts, payment_object, response_members};
pub use schema::{Endpoint, FieldDefault, FieldDoc, FieldFormat, FieldSpec, ItemFormat, Operation, ResponseField, ResponseType, Row, Source};

use crate::error::{Error, ErrorCode, Issue, Result};

/// Most issues reported for one input; hostile inputs could otherwise produce megabytes of them.
pub const MAX_ISSUES: usize = 100;

/// Largest JSON input accepted by validation and building unless
/// [`CheckOptions::max_body_bytes`] says otherwise.
pub const MAX_INPUT_BYTES: usize = crate::limits::DEFAULT_MAX_BODY_BYTES;

/// Every endpoint with a field table: the preauth lifecycle (void, capture, capture reversal),
/// the status query, creating and closing a bill's QR code, and refunds.
pub static ENDPOINTS: [&Endpoint; 7] = [&PREAUTH_CANCEL, &PREAUTHED, &PREAUTHED_CANCEL, &BILLS_QUERY, &GET_QRCODE, &CLOSE_QRCODE, &REFUND];

/// Their documentation, in the same order (for the generator: adding an operation means adding
/// its module, both lists, and its tests; see docs/adding-an-operation.md).
pub static OPERATIONS: [&Operation; 7] =
    [&PREAUTH_CANCEL_DOC, &PREAUTHED_DOC, &PREAUTHED_CANCEL_DOC, &BILLS_QUERY_DOC, &GET_QRCODE_DOC, &CLOSE_QRCODE_DOC, &REFUND_DOC];

/// The endpoint with a field table whose short name (the last path segment, e.g.
/// `preauthed-cancel`) is `name`.
pub fn endpoint_named(name: &str) -> Result<&'static Endpoint> {
    ENDPOINTS.iter().copied().find(|e| e.name == name).ok_or_else(|| {
        let known: Vec<&str> = ENDPOINTS.iter().map(|e| e.name).collect();
        Error::new(
            ErrorCode::FieldFormat,
            "endpoint",
            format!(
                "no field table for the bills endpoint {}; known: {} (use buildRequest for others)",
                crate::error::quoted(name),
                known.join(", ")
            ),
        )
    })
}

/// The endpoint with a field table at exactly `path` (`/v1/netpay/bills/query`), if any.
pub fn endpoint_at(path: &str) -> Option<&'static Endpoint> {
    ENDPOINTS.iter().copied().find(|e| e.path == path)
}

/// Every problem with a JSON request for `endpoint` (empty when it is valid).
pub fn validate_json(endpoint: &'static Endpoint, input: &str, options: &CheckOptions) -> Vec<Issue> {
    match read_body(endpoint, input, options) {
        Ok(_) => Vec::new(),
        Err(err) => err.into_issues(),
    }
}

/// Reads and checks a JSON request for `endpoint`. Fields with defaults are filled first when
/// `now_ms` is given (the builder's behaviour); otherwise `options.apply_defaults` decides
/// whether their absence is an issue.
pub fn read_body(endpoint: &'static Endpoint, input: &str, options: &CheckOptions) -> Result<BillsBody> {
    read_body_at(endpoint, input, options, None)
}

pub(crate) fn read_body_at(
    endpoint: &'static Endpoint,
    input: &str,
    options: &CheckOptions,
    now_ms: Option<i64>,
) -> Result<BillsBody> {
    crate::limits::check_body_size("input", input.len(), options.body_cap()?)?;
    let (mut body, mut issues) = BillsBody::from_json(endpoint, input, options.allow_unknown_fields)?;
    if let Some(now_ms) = now_ms {
        body.fill_defaults(now_ms)?;
    }
    // A member already reported (wrong type, duplicate) is not reported again as missing.
    let reported: Vec<Option<String>> = issues.iter().map(|i| i.field.clone()).collect();
    issues.extend(
        body.check(options)
            .into_iter()
            .filter(|i| i.code != ErrorCode::FieldRequired || !reported.contains(&i.field)),
    );
    if issues.is_empty() {
        return Ok(body);
    }
    if issues.len() > MAX_ISSUES {
        let hidden = issues.len() - (MAX_ISSUES - 1);
        issues.truncate(MAX_ISSUES - 1);
        issues.push(Issue::whole(
            ErrorCode::UnknownField,
            format!("{hidden} more problems are not listed; fix the ones above first"),
        ));
    }
    Err(Error::from_issues(issues))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_nested_too_deep_is_reported_with_every_other_problem() {
        let deep = format!("{}{}", "[".repeat(crate::json::MAX_DEPTH), "]".repeat(crate::json::MAX_DEPTH));
        let input = format!(r#"{{"mid":"m","goods":{deep},"x\u0067":{deep},"tid":"t"}}"#);
        let issues = validate_json(&GET_QRCODE, &input, &CheckOptions { allow_unknown_fields: true, ..CheckOptions::default() });
        let found: Vec<(ErrorCode, Option<&str>)> = issues.iter().map(|i| (i.code, i.field.as_deref())).collect();
        assert!(found.contains(&(ErrorCode::TooDeep, Some("goods"))), "{found:?}");
        assert!(found.contains(&(ErrorCode::TooDeep, Some("xg"))), "the decoded name: {found:?}");
        assert!(found.contains(&(ErrorCode::FieldRequired, Some("totalAmount"))), "{found:?}");
        // At the limit itself, nothing is too deep.
        let fine = format!(r#"{{"goods":[{}]}}"#, &deep[2..deep.len() - 2]);
        assert!(validate_json(&GET_QRCODE, &fine, &CheckOptions::default()).iter().all(|i| i.code != ErrorCode::TooDeep));
        assert_eq!(validate_json(&GET_QRCODE, &format!("[{deep}]"), &CheckOptions::default())[0].code, ErrorCode::TooDeep);
    }

    #[test]
    fn every_operation_documents_each_field_of_its_table_in_order() {
        for (endpoint, operation) in ENDPOINTS.iter().zip(OPERATIONS) {
            assert_eq!(operation.endpoint, *endpoint);
            assert_eq!(operation.fields.len(), endpoint.fields.len(), "{}", endpoint.name);
            for (spec, doc) in endpoint.fields.iter().zip(operation.fields) {
                assert!(!doc.label_zh.is_empty() && !doc.label_en.is_empty(), "{}.{} has no labels", endpoint.name, spec.name);
                let example: serde_json::Value = serde_json::from_str(doc.example).unwrap_or_else(|e| panic!("{}.{}: {e}", endpoint.name, spec.name));
                let mut body = BillsBody::new(endpoint);
                assert!(body.set_json(spec.name, doc.example), "{}.{}", endpoint.name, spec.name);
                let issues: Vec<Issue> = body.check(&CheckOptions::default()).into_iter().filter(|i| i.field.as_deref() == Some(spec.name)).collect();
                assert!(issues.is_empty() || example == "", "{}.{}'s example is refused: {issues:?}", endpoint.name, spec.name);
            }
            for name in endpoint.one_of {
                assert!(endpoint.position(name).is_some_and(|at| !endpoint.fields[at].required), "{}: {name}", endpoint.name);
            }
        }
    }
}
