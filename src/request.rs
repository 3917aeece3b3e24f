//! Building a request: with the operation's field table when the path has one, else written
//! exactly ([`crate::generic_request`]); signing it.

use crate::bills::{read_body_at, CheckOptions, Endpoint};
use crate::error::Result;
use crate::http::HttpRequest;
use crate::open_body_sig::OpenBodySigner;

/// Options for building a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildOptions {
    /// The gateway base URL (see [`crate::http::resolve_base_url`]).
    pub base_url: String,
    /// The instant used for `requestTimestamp` when the input has none (epoch ms).
    pub now_ms: i64,
    /// Validation options.
    pub check: CheckOptions,
    /// The `Content-Type` to send (see [`crate::http::content_type`]).
    pub content_type: &'static str,
}

impl BuildOptions {
    /// Options for `base_url` at `now_ms`, with the default checks and content type.
    pub fn new(base_url: impl Into<String>, now_ms: i64) -> Self {
        BuildOptions { base_url: base_url.into(), now_ms, check: CheckOptions::default(), content_type: crate::http::JSON_CONTENT_TYPE }
    }
}

/// Builds a request for `endpoint` from JSON input: validates it, fills defaults and writes the
/// body in the table's order.
pub fn build_request(endpoint: &'static Endpoint, input: &str, options: &BuildOptions) -> Result<HttpRequest> {
    let body = read_body_at(endpoint, input, &options.check, Some(options.now_ms))?.into_json()?;
    // Defaults make the body a little longer than the input; what is built must also be
    // signable under the same cap.
    crate::limits::check_body_size("body", body.len(), options.check.body_cap()?)?;
    Ok(HttpRequest::post([options.base_url.as_str(), endpoint.path].concat(), options.content_type, body))
}

/// A request to `path` (`/v1/netpay/bills/get-qrcode`, `/v1/netpay/refund-query`, or a bills
/// service name): built with the field table when the path has one (validated, defaults
/// filled), else written exactly as [`crate::generic_request`] does.
pub fn build_at(path: &str, input: &str, options: &BuildOptions) -> Result<HttpRequest> {
    match crate::bills::endpoint_at(&crate::generic_request::bills_path(path)?) {
        Some(endpoint) => build_request(endpoint, input, options),
        None => crate::generic_request::build_any_request(path, input, options),
    }
}

/// The request with its `Authorization` header: the body signed as it will be sent.
pub fn sign(mut request: HttpRequest, signer: &OpenBodySigner, timestamp: &str, nonce: &str) -> Result<HttpRequest> {
    request.authorization = Some(signer.sign(request.body.as_bytes(), timestamp, nonce)?.authorization);
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_with_a_table_is_validated_and_any_other_written_exactly() {
        let options = BuildOptions::new(crate::http::TEST_BASE_URL, 1_735_758_245_000);
        let err = build_at("/v1/netpay/bills/close-qrcode", r#"{"mid":"m","tid":"t"}"#, &options).unwrap_err();
        assert_eq!(err.issues()[0].field.as_deref(), Some("qrCodeId"));
        assert_eq!(build_at("close-qrcode", r#"{"mid":"m","tid":"t"}"#, &options).unwrap_err().issues()[0].field.as_deref(), Some("qrCodeId"));
        let generic = build_at("/v1/netpay/refund-query", r#"{"b":1.50,"a":"x"}"#, &options).unwrap();
        assert_eq!(generic.body, r#"{"requestTimestamp":"2025-01-02 03:04:05","b":1.50,"a":"x"}"#);
    }
}
